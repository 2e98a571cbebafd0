/**
 * AES-128 counter mode as SRTP uses it (RFC 3711 §4.1.1), from one AES
 * block cipher kept for the life of the key instead of a cipher object per
 * packet: the counter blocks IV, IV+1, … are encrypted with AES-ECB in one
 * call and XORed onto the data. SRTP's IV has its low 16 bits zero, so the
 * block number is written there and never carries (at most 2^16 blocks:
 * 1 MiB, far above a datagram).
 *
 * ECB here is only the raw block function over distinct counter blocks,
 * which is exactly counter mode; it is never used on data.
 */
import { createCipheriv } from 'node:crypto';
import type { Cipheriv, KeyObject } from 'node:crypto';

const BLOCK = 16;
const MAX_BLOCKS = 0x10000;

export class AesCtrKeystream {
  readonly #ecb: Cipheriv;
  #counters = Buffer.alloc(BLOCK * 16);

  constructor(key: KeyObject) {
    this.#ecb = createCipheriv('aes-128-ecb', key, null);
    this.#ecb.setAutoPadding(false);
  }

  /**
   * Writes `input` XOR the keystream of `iv` into `out` at `at` (`out` may
   * be `input`'s own buffer only at the same position). `iv` is 16 bytes
   * with its last two bytes zero.
   */
  xor(iv: Uint8Array, input: Uint8Array, out: Uint8Array, at: number): void {
    const length = input.length;
    if (length === 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks > MAX_BLOCKS) throw new RangeError('SRTP payload too long for one keystream');
    if (this.#counters.length < blocks * BLOCK)
      this.#counters = Buffer.alloc(Math.max(blocks * BLOCK, this.#counters.length * 2));
    const counters = this.#counters;
    for (let b = 0; b < blocks; b++) {
      const o = b * BLOCK;
      counters.set(iv, o);
      counters[o + 14] = b >>> 8;
      counters[o + 15] = b & 0xff;
    }
    const keystream = this.#ecb.update(counters.subarray(0, blocks * BLOCK));
    for (let i = 0; i < length; i++) out[at + i] = (input[i] as number) ^ (keystream[i] as number);
  }
}
