/**
 * Failed-login throttling (PRODUCT §C4, NIST SP 800-63B-4 §3.2.2). Failures
 * count per (account, source address), so an attacker on one address delays
 * and locks only itself, never the real user on another. Beside that, an
 * account-wide count of consecutive failures from any address stops at the
 * hard cap (100): the account then stays locked until an admin or the user
 * (through an e-mailed single-use link) unlocks it.
 *
 * Per key: after `freeFailures` failures the next try must wait
 * `baseDelayMs`, and each further failure doubles the wait (from `baseDelayMs` up to
 * `maxDelayMs`); `lockAfter` failures lock the key for `lockMs`. A success
 * clears the key and the account-wide count.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import type {
  LoginThrottleRepository,
  ThrottleState,
} from '../../ports/login-throttle-repository.ts';

export interface ThrottlePolicy {
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures from one address that lock the account for that address. */
  readonly lockAfter: number;
  readonly lockMs: number;
  /** Consecutive failures from all addresses that lock the account until unlocked. */
  readonly accountHardCap: number;
}

export const ACCOUNT_WIDE = '*';
/** A hard-capped account stays locked "forever": until someone unlocks it. */
export const LOCKED_UNTIL_UNLOCKED = Number.MAX_SAFE_INTEGER;

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  lockAfter: 100,
  lockMs: 60 * 60_000,
  accountHardCap: 100,
};

/** The throttle policy a password policy's lockout knobs give. */
export function throttleFor(
  lockout: { maxFailures: number; lockMinutes: number } | null,
  base: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
): ThrottlePolicy {
  if (lockout === null) return base;
  return {
    ...base,
    lockAfter: Math.min(lockout.maxFailures, base.accountHardCap),
    lockMs: lockout.lockMinutes * 60_000,
    freeFailures: Math.min(base.freeFailures, lockout.maxFailures),
  };
}

/** The login account key: tenant and user name as typed (unknown names count like known ones). */
export function accountKeyOf(tenant: string, username: string): string {
  return `${tenant}/${username.normalize('NFKC').toLowerCase()}`.slice(0, 300);
}

export type ThrottleOutcome = 'delayed' | 'locked' | 'counted';

export class LoginThrottle {
  readonly #repo: LoginThrottleRepository;
  readonly #clock: Clock;

  constructor(repo: LoginThrottleRepository, clock: Clock) {
    this.#repo = repo;
    this.#clock = clock;
  }

  /** Throws rate_limited (with retryAfterSeconds) when this key may not try now. */
  async check(accountKey: string, address: string, policy: ThrottlePolicy): Promise<void> {
    const now = this.#clock.now();
    const [own, wide] = await Promise.all([
      this.#repo.get(accountKey, address),
      this.#repo.get(accountKey, ACCOUNT_WIDE),
    ]);
    const lockedUntil = Math.max(own?.lockedUntil ?? 0, wide?.lockedUntil ?? 0);
    if (lockedUntil > now) throw refusal(lockedUntil - now);
    if (own) {
      const wait = delayAfter(own.failures, policy);
      if (wait > 0 && now < own.lastFailureAt + wait) throw refusal(own.lastFailureAt + wait - now);
    }
  }

  /** Counts a failure; says whether it locked the key or the account. */
  async fail(
    accountKey: string,
    address: string,
    policy: ThrottlePolicy,
  ): Promise<{ lockedKey: boolean; lockedAccount: boolean }> {
    const now = this.#clock.now();
    const own = await this.#repo.get(accountKey, address);
    const failures = (own?.failures ?? 0) + 1;
    const lockedKey = failures >= policy.lockAfter;
    await this.#repo.put({
      accountKey,
      address,
      failures,
      lastFailureAt: now,
      lockedUntil: lockedKey ? now + policy.lockMs : null,
    });
    const wide = await this.#repo.get(accountKey, ACCOUNT_WIDE);
    const total = (wide?.failures ?? 0) + 1;
    const lockedAccount = total >= policy.accountHardCap;
    await this.#repo.put({
      accountKey,
      address: ACCOUNT_WIDE,
      failures: total,
      lastFailureAt: now,
      lockedUntil: lockedAccount ? LOCKED_UNTIL_UNLOCKED : (wide?.lockedUntil ?? null),
    });
    return { lockedKey, lockedAccount: lockedAccount && (wide?.failures ?? 0) < total };
  }

  /** A success: this address starts again, and the consecutive count resets. */
  async succeed(accountKey: string, address: string): Promise<void> {
    await this.#repo.delete(accountKey, address);
    await this.#repo.delete(accountKey, ACCOUNT_WIDE);
  }

  /** Admin or unlock link: every counter of the account goes. */
  unlock(accountKey: string): Promise<number> {
    return this.#repo.deleteAccount(accountKey);
  }

  locks(accountKey: string): Promise<ThrottleState[]> {
    return this.#repo.listLocked(accountKey, this.#clock.now());
  }
}

export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  const over = failures - policy.freeFailures;
  if (over < 0) return 0;
  return Math.min(policy.baseDelayMs * 2 ** Math.min(over, 30), policy.maxDelayMs);
}

function refusal(waitMs: number): PalisadeError {
  const seconds = Math.max(1, Math.ceil(Math.min(waitMs, 86_400_000) / 1000));
  return new PalisadeError('rate_limited', 'too many failed logins; try again later', {
    details: { retryAfterSeconds: seconds },
  });
}
