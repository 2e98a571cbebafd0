/**
 * A per-connection message rate cap (a token bucket): up to `perSecond`
 * messages in a burst, refilled at `perSecond` a second. `take` answers
 * false once a peer sends faster than that for longer than a burst.
 */
export class MessageRate {
  readonly #perSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(perSecond: number, now: () => number = () => performance.now()) {
    this.#perSecond = perSecond;
    this.#now = now;
    this.#tokens = perSecond;
    this.#last = now();
  }

  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#perSecond,
      this.#tokens + ((now - this.#last) / 1000) * this.#perSecond,
    );
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
