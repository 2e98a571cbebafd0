/**
 * Limits password guessing through the LDAP sign-in: per (provider, name,
 * address) and per address, failures in a sliding window. Guessing through
 * Palisade would otherwise also trip the directory's own lockout and lock
 * the real person out of everything. In memory and bounded; the web login's
 * shared throttle (issue 5) can replace it through the same interface.
 */
import { type Clock, PalisadeError } from '@palisade/common';

export interface LoginLimiter {
  /** Throws PalisadeError('rate_limited') while the key or the address is held. */
  check(key: string, address: string): void;
  failure(key: string, address: string): void;
  success(key: string, address: string): void;
}

export interface LimiterPolicy {
  readonly windowMs: number;
  readonly maxPerKey: number;
  readonly maxPerAddress: number;
  /** Entries kept at most (oldest dropped first). */
  readonly maxEntries: number;
}

export const DEFAULT_LIMITER_POLICY: LimiterPolicy = {
  windowMs: 15 * 60_000,
  maxPerKey: 5,
  maxPerAddress: 30,
  maxEntries: 10_000,
};

export class MemoryLoginLimiter implements LoginLimiter {
  readonly #clock: Clock;
  readonly #policy: LimiterPolicy;
  readonly #failures = new Map<string, number[]>();

  constructor(clock: Clock, policy: LimiterPolicy = DEFAULT_LIMITER_POLICY) {
    this.#clock = clock;
    this.#policy = policy;
  }

  #recent(id: string): number[] {
    const since = this.#clock.now() - this.#policy.windowMs;
    const list = (this.#failures.get(id) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#failures.delete(id);
    else this.#failures.set(id, list);
    return list;
  }

  check(key: string, address: string): void {
    if (
      this.#recent(`k:${key}|${address}`).length >= this.#policy.maxPerKey ||
      this.#recent(`a:${address}`).length >= this.#policy.maxPerAddress
    )
      throw new PalisadeError('rate_limited', 'too many failed sign-ins; try again later', {
        details: { reason: 'throttled' },
      });
  }

  failure(key: string, address: string): void {
    const now = this.#clock.now();
    for (const id of [`k:${key}|${address}`, `a:${address}`]) {
      const list = this.#recent(id);
      list.push(now);
      this.#failures.delete(id);
      this.#failures.set(
        id,
        list.slice(-Math.max(this.#policy.maxPerAddress, this.#policy.maxPerKey)),
      );
    }
    while (this.#failures.size > this.#policy.maxEntries) {
      const oldest = this.#failures.keys().next().value;
      if (oldest === undefined) break;
      this.#failures.delete(oldest);
    }
  }

  success(key: string, address: string): void {
    this.#failures.delete(`k:${key}|${address}`);
  }
}
