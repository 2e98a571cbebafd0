/**
 * HMAC-SHA1 (RFC 2104) for SRTP authentication tags, from the two padded
 * keys computed once per session key and one-shot SHA-1 (`crypto.hash`)
 * instead of an Hmac object per packet. Inputs are copied behind the inner
 * pad in a reused buffer. The result is the full 20-byte MAC; callers
 * truncate it and compare in constant time.
 */
import { hash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 20;

export class HmacSha1 {
  #inner: Buffer;
  readonly #outer = Buffer.alloc(BLOCK + DIGEST);

  /** `key` is a secret: never log. At most one block (SRTP's are 20 bytes). */
  constructor(key: Uint8Array) {
    if (key.length > BLOCK) throw new RangeError('HMAC key longer than one SHA-1 block');
    this.#inner = Buffer.alloc(BLOCK + 256);
    for (let i = 0; i < BLOCK; i++) {
      const k = i < key.length ? (key[i] as number) : 0;
      this.#inner[i] = k ^ 0x36;
      this.#outer[i] = k ^ 0x5c;
    }
  }

  /** HMAC-SHA1(key, a || b). */
  digest(a: Uint8Array, b: Uint8Array): Buffer {
    const length = BLOCK + a.length + b.length;
    if (this.#inner.length < length) {
      const grown = Buffer.alloc(Math.max(length, this.#inner.length * 2));
      this.#inner.copy(grown, 0, 0, BLOCK);
      this.#inner = grown;
    }
    this.#inner.set(a, BLOCK);
    this.#inner.set(b, BLOCK + a.length);
    this.#outer.set(hash('sha1', this.#inner.subarray(0, length), 'buffer'), BLOCK);
    return hash('sha1', this.#outer, 'buffer');
  }
}
