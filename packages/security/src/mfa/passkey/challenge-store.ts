/**
 * Single-use WebAuthn challenges: 32 random bytes, bound to one session (or
 * pending login) and one purpose, valid 5 minutes, forgotten when used.
 * Memory is bounded; the oldest challenges go first. Kept in the process: a
 * cluster routes one login to one node (as for SIP nonces).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '@palisade/common';

export type ChallengePurpose = 'register' | 'login';

interface Entry {
  readonly boundTo: string;
  readonly purpose: ChallengePurpose;
  readonly expiresAt: number;
}

export const CHALLENGE_BYTES = 32;

export class ChallengeStore {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock, ttlMs = 5 * 60_000, max = 10_000) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  issue(boundTo: string, purpose: ChallengePurpose): { bytes: Uint8Array; encoded: string } {
    const bytes = randomBytes(CHALLENGE_BYTES);
    const encoded = bytes.toString('base64url');
    this.#entries.set(encoded, { boundTo, purpose, expiresAt: this.#clock.now() + this.#ttlMs });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return { bytes, encoded };
  }

  /** True once for a live challenge issued to `boundTo` for `purpose`; it is gone afterwards either way. */
  consume(encoded: string, boundTo: string, purpose: ChallengePurpose): boolean {
    const e = this.#entries.get(encoded);
    if (!e) return false;
    this.#entries.delete(encoded);
    return e.boundTo === boundTo && e.purpose === purpose && this.#clock.now() < e.expiresAt;
  }
}
