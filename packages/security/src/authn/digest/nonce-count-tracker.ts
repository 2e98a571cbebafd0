/**
 * Nonce-count replay protection with bounded memory (RFC 7616 §3.4: the
 * server remembers which nc values it has seen for a nonce and refuses a
 * repeat).
 *
 * Per nonce we keep the highest nc seen and a 32-bit window of the nc values
 * just below it, so requests that overtake each other (UDP, parallel
 * transactions) still pass while any repeat, or anything older than the
 * window, is a replay. Entries exist only for nonces that carried a valid
 * digest, so an attacker without credentials cannot fill the table.
 *
 * The table is an LRU capped at `capacity`. An entry whose nonce has expired
 * is dropped first; when a live entry must go, we remember its issue time as
 * a watermark and from then on refuse, as `forgotten`, any nonce issued at or
 * before it that we hold no entry for. A forgotten nonce is answered with
 * stale=true, so the client fetches a fresh one: memory stays bounded without
 * ever accepting a replay.
 */
export type NonceCountOutcome = 'accepted' | 'replay' | 'forgotten';

export const NC_WINDOW = 32;

interface Entry {
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
  highest: number;
  /** Bit i set: nc = highest - i has been seen. */
  seen: number;
}

export class NonceCountTracker {
  readonly #capacity: number;
  readonly #entries = new Map<string, Entry>();
  #watermarkMs = Number.NEGATIVE_INFINITY;
  #nextSweepMs = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records `nc` for `nonce` if it has not been seen. Call only after the
   * digest has been verified, with a nonce that has not expired.
   */
  accept(
    nonce: string,
    nc: number,
    issuedAtMs: number,
    expiresAtMs: number,
    nowMs: number,
  ): NonceCountOutcome {
    const entry = this.#entries.get(nonce);
    if (!entry) {
      if (issuedAtMs <= this.#watermarkMs) return 'forgotten';
      this.#makeRoom(nowMs);
      this.#entries.set(nonce, { issuedAtMs, expiresAtMs, highest: nc, seen: 1 });
      return 'accepted';
    }
    // Move to the most recently used end.
    this.#entries.delete(nonce);
    this.#entries.set(nonce, entry);
    if (nc > entry.highest) {
      const shift = nc - entry.highest;
      entry.seen = shift >= NC_WINDOW ? 1 : ((entry.seen << shift) | 1) >>> 0;
      entry.highest = nc;
      return 'accepted';
    }
    const age = entry.highest - nc;
    if (age >= NC_WINDOW) return 'replay';
    const bit = (1 << age) >>> 0;
    if ((entry.seen & bit) !== 0) return 'replay';
    entry.seen = (entry.seen | bit) >>> 0;
    return 'accepted';
  }

  #makeRoom(nowMs: number): void {
    if (this.#entries.size < this.#capacity) return;
    // A full scan for expired entries at most once a second keeps a table
    // full of live entries from costing O(capacity) on every insert.
    if (nowMs >= this.#nextSweepMs) {
      this.#nextSweepMs = nowMs + 1000;
      for (const [key, entry] of this.#entries) {
        if (entry.expiresAtMs < nowMs) this.#entries.delete(key);
      }
    }
    if (this.#entries.size < this.#capacity) return;
    // Evict the oldest sixteenth in one pass: taking one at a time from the
    // front of a Map walks over every slot deleted before it (V8 compacts
    // the table only when it resizes), which made each insert O(evicted).
    let excess = this.#entries.size - this.#capacity + 1 + (this.#capacity >> 4);
    for (const [key, entry] of this.#entries) {
      if (excess-- <= 0) break;
      this.#entries.delete(key);
      this.#watermarkMs = Math.max(this.#watermarkMs, entry.issuedAtMs);
    }
  }
}
