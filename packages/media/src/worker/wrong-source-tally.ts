/**
 * Counts relay packets dropped for their source, per source address, and
 * hands them out in batches: the worker reports them to the control plane
 * (and on to the intrusion detector) at most once per interval, however
 * many packets a sweep sends. Bounded: beyond `maxSources` addresses in one
 * interval the rest are counted in `unlisted` only.
 */
import type { WrongSourceReport } from '../control/media-engine.ts';

export class WrongSourceTally {
  readonly #maxSources: number;
  #counts = new Map<string, number>();
  #unlisted = 0;

  constructor(maxSources = 1024) {
    this.#maxSources = maxSources;
  }

  count(address: string): void {
    const n = this.#counts.get(address);
    if (n !== undefined) this.#counts.set(address, n + 1);
    else if (this.#counts.size < this.#maxSources) this.#counts.set(address, 1);
    else this.#unlisted++;
  }

  /** The counts since the last drain (null when there were none), and starts afresh. */
  drain(): { sources: WrongSourceReport[]; unlisted: number } | null {
    if (this.#counts.size === 0 && this.#unlisted === 0) return null;
    const sources = [...this.#counts].map(([address, packets]) => ({ address, packets }));
    const unlisted = this.#unlisted;
    this.#counts = new Map();
    this.#unlisted = 0;
    return { sources, unlisted };
  }
}
