/**
 * Single-use codes and links: 6-digit e-mail and SMS codes bound to a login
 * attempt, and random links (unlock, new-location confirmation, password
 * reset). Only the hash of the code is stored.
 */
export type OneTimeCodePurpose =
  'email-code' | 'sms-code' | 'unlock' | 'location' | 'password-reset';

export interface OneTimeCode {
  readonly id: string;
  readonly purpose: OneTimeCodePurpose;
  readonly tenantId: string;
  readonly userId: string;
  readonly codeHash: string;
  /** The login attempt (session id) the code belongs to, if any. */
  readonly boundTo: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly attempts: number;
}

export interface NewOneTimeCode {
  readonly purpose: OneTimeCodePurpose;
  readonly tenantId: string;
  readonly userId: string;
  readonly codeHash: string;
  readonly boundTo?: string | null;
  readonly expiresAt: number;
}

export interface OneTimeCodeRepository {
  create(input: NewOneTimeCode): Promise<OneTimeCode>;
  /** An unused, unexpired code with this hash. */
  findActiveByHash(
    purpose: OneTimeCodePurpose,
    codeHash: string,
    now: number,
  ): Promise<OneTimeCode | null>;
  /** The newest unused, unexpired code bound to `boundTo`. */
  findActiveBound(
    purpose: OneTimeCodePurpose,
    boundTo: string,
    now: number,
  ): Promise<OneTimeCode | null>;
  /** Atomically marks it used: true for the first caller only. */
  consume(id: string, now: number): Promise<boolean>;
  /** Counts a wrong guess; returns the new count. */
  countAttempt(id: string): Promise<number>;
  /** How many codes of `purpose` were created since `since` for the user, or for the tenant. */
  countSince(
    filter: { userId?: string; tenantId?: string },
    purpose: OneTimeCodePurpose,
    since: number,
  ): Promise<number>;
}
