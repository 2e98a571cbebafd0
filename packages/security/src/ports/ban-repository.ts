/**
 * Bans of source addresses, shared by every node of a cluster through the
 * store. One row per address: a new ban replaces the last one (keeping the
 * offence count for escalation); lifting keeps the row for that history.
 */
export type BanOrigin = 'detector' | 'manual';

export interface NewBan {
  /** Normalised IPv4 or IPv6 address. */
  readonly address: string;
  /** The rule that fired, or `manual`. */
  readonly rule: string;
  readonly origin: BanOrigin;
  /** 1 for a first ban, 2 for a repeat offence, … */
  readonly offence: number;
  readonly reason: string;
  /** `system` for detectors, or the actor (`user:<id>`, `token:<id>`, `cli`). */
  readonly createdBy: string;
  readonly createdAt: number;
  /** Null: until lifted by hand. */
  readonly expiresAt: number | null;
}

export interface Ban extends NewBan {
  readonly liftedAt: number | null;
}

export interface BanRepository {
  /** Creates the ban, replacing any earlier row for the address. */
  put(ban: NewBan): Promise<Ban>;
  /** The latest ban of the address, active or not; null if it never had one. */
  find(address: string): Promise<Ban | null>;
  /** Bans neither lifted nor expired at `now`, oldest first, at most `limit` (default 100 000). */
  listActive(now: number, limit?: number): Promise<Ban[]>;
  /**
   * The latest ban of each address, active or ended (rows are kept 30 days
   * after they end): highest offence first, then the most recent, at most `limit`.
   */
  listOffenders(limit: number): Promise<Ban[]>;
  /** Lifts an active ban; false when there was none. */
  lift(address: string, at: number): Promise<boolean>;
  /** Deletes rows that ended (expired or lifted) before `before`; returns how many. */
  purgeEndedBefore(before: number): Promise<number>;
}
