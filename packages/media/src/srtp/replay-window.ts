/**
 * Sliding replay window over packet indices (RFC 3711 §3.3.2): an index is
 * fresh when newer than the highest seen, or within the window and not yet
 * seen. Checked before, and updated only after, authentication succeeds.
 * A ring of flags: no allocation per packet.
 */
export class ReplayWindow {
  readonly size: number;
  #seen: Uint8Array;
  #top = -1;

  constructor(size = 128) {
    if (!Number.isInteger(size) || size < 64 || size > 32768)
      throw new RangeError('replay window must be 64 to 32768 packets');
    this.size = size;
    this.#seen = new Uint8Array(size);
  }

  /** True when `index` has not been seen and is not too old. */
  isFresh(index: number): boolean {
    if (index > this.#top) return true;
    if (this.#top - index >= this.size) return false;
    return this.#seen[index % this.size] === 0;
  }

  accept(index: number): void {
    if (index > this.#top) {
      const gap = index - this.#top;
      if (gap >= this.size) this.#seen.fill(0);
      else for (let i = this.#top + 1; i < index; i++) this.#seen[i % this.size] = 0;
      this.#top = index;
    }
    this.#seen[index % this.size] = 1;
  }
}
