/** Networks (address prefixes) a user has logged in from, remembered until they expire. */
export interface KnownNetworkRepository {
  isKnown(userId: string, prefix: string, now: number): Promise<boolean>;
  /** Inserts or extends. */
  remember(userId: string, prefix: string, now: number, expiresAt: number): Promise<void>;
}
