/**
 * Hands out relay port pairs from a configured range: an even RTP port and
 * the odd RTCP port above it (RFC 3550 §11). Rotates through the range so a
 * freed port is not reused at once (late packets of the last call).
 */
import { PalisadeError } from '@palisade/common';

export class PortAllocator {
  readonly #min: number;
  readonly #count: number;
  readonly #used: Uint8Array;
  #cursor = 0;
  #inUse = 0;

  constructor(min: number, max: number) {
    const first = min % 2 === 0 ? min : min + 1;
    if (
      !Number.isInteger(min) ||
      !Number.isInteger(max) ||
      first < 1024 ||
      max > 65535 ||
      max < first + 1
    )
      throw new PalisadeError(
        'config_invalid',
        'media port range must hold a pair within 1024-65535',
        {
          details: { min, max },
        },
      );
    this.#min = first;
    this.#count = Math.floor((max - first + 1) / 2);
    this.#used = new Uint8Array(this.#count);
  }

  get free(): number {
    return this.#count - this.#inUse;
  }

  /** An even port whose pair (port, port + 1) is free, or `overloaded`. */
  allocate(): number {
    for (let i = 0; i < this.#count; i++) {
      const slot = (this.#cursor + i) % this.#count;
      if (this.#used[slot] === 0) {
        this.#used[slot] = 1;
        this.#inUse++;
        this.#cursor = (slot + 1) % this.#count;
        return this.#min + slot * 2;
      }
    }
    throw new PalisadeError('overloaded', 'no free media ports');
  }

  release(port: number): void {
    const slot = (port - this.#min) / 2;
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.#count || this.#used[slot] === 0)
      return;
    this.#used[slot] = 0;
    this.#inUse--;
  }
}
