/**
 * Sliding-window counters with bounded memory. Each key keeps the times of
 * its last `limit` weighted occurrences in a ring, so "more than `limit`
 * in `windowMs`" is exact, and at most `maxKeys` keys are held (the least
 * recently touched is forgotten first, which can only under-count an
 * attacker who spreads over more keys than that).
 */
export interface WindowOptions {
  /** Exceeded when more than this many occurrences fall inside the window. */
  readonly limit: number;
  readonly windowMs: number;
  readonly maxKeys: number;
}

interface Ring {
  readonly times: Float64Array;
  next: number;
  filled: number;
}

export class SlidingWindowCounter {
  readonly #options: WindowOptions;
  readonly #rings = new Map<string, Ring>();

  constructor(options: WindowOptions) {
    if (!(options.limit >= 0) || !(options.windowMs > 0) || !(options.maxKeys > 0))
      throw new RangeError('sliding window: limit >= 0, windowMs > 0 and maxKeys > 0');
    this.#options = options;
  }

  get size(): number {
    return this.#rings.size;
  }

  /**
   * Adds `weight` occurrences at `now` and tells whether the key now has
   * more than `limit` inside the window.
   */
  hit(key: string, now: number, weight = 1): boolean {
    const { limit, windowMs, maxKeys } = this.#options;
    let ring = this.#rings.get(key);
    if (ring) this.#rings.delete(key);
    else ring = { times: new Float64Array(limit + 1), next: 0, filled: 0 };
    this.#rings.set(key, ring); // most recently used last
    const n = Math.min(Math.max(1, Math.floor(weight)), limit + 1);
    for (let i = 0; i < n; i++) {
      ring.times[ring.next] = now;
      ring.next = (ring.next + 1) % ring.times.length;
      if (ring.filled < ring.times.length) ring.filled++;
    }
    while (this.#rings.size > maxKeys) {
      const oldest = this.#rings.keys().next().value;
      if (oldest === undefined) break;
      this.#rings.delete(oldest);
    }
    if (ring.filled < ring.times.length) return false;
    // the ring is full: the oldest of the last limit+1 occurrences is at `next`
    return now - (ring.times[ring.next] ?? 0) < windowMs;
  }

  /** Occurrences of `key` inside the window at `now` (at most limit + 1). */
  count(key: string, now: number): number {
    const ring = this.#rings.get(key);
    if (!ring) return 0;
    let c = 0;
    for (let i = 0; i < ring.filled; i++)
      if (now - (ring.times[i] ?? 0) < this.#options.windowMs) c++;
    return c;
  }

  reset(key: string): void {
    this.#rings.delete(key);
  }
}
