/**
 * Single-use setup tokens for creating the first super-admin. Only the hash
 * of the token is stored.
 */
export interface SetupToken {
  readonly id: string;
  readonly tokenHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export interface NewSetupToken {
  readonly tokenHash: string;
  readonly expiresAt: number;
}

export interface SetupTokenRepository {
  /** Throws PalisadeError('conflict') naming `tokenHash` on a duplicate hash. */
  create(input: NewSetupToken): Promise<SetupToken>;
  /**
   * Atomically marks the token used. True only for the first call with an
   * unused token that has not expired at `now`; every later call is false.
   */
  consume(tokenHash: string, now: number): Promise<boolean>;
  /** Deletes every setup token (used or not); returns how many there were. */
  invalidateAll(): Promise<number>;
}
