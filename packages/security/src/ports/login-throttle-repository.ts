/**
 * Failed-login counters. `accountKey` names the login (tenant and user name as
 * typed, so unknown names are counted exactly like known ones); `address` is
 * the source, or `*` for the account-wide consecutive count.
 */
export interface ThrottleState {
  readonly accountKey: string;
  readonly address: string;
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number | null;
}

export interface LoginThrottleRepository {
  get(accountKey: string, address: string): Promise<ThrottleState | null>;
  /** Inserts or replaces. */
  put(state: ThrottleState): Promise<void>;
  delete(accountKey: string, address: string): Promise<void>;
  /** Removes every counter of the account (admin unlock, unlock link); returns how many. */
  deleteAccount(accountKey: string): Promise<number>;
  /** Counters of the account that are locked at `now`. */
  listLocked(accountKey: string, now: number): Promise<ThrottleState[]>;
}
