/**
 * Random bytes for identifiers made on every SIP message (branches, tags,
 * nonces), from one pooled buffer that `crypto.randomFillSync` refills
 * 4 KiB at a time. `crypto.randomBytes(16)` costs about 4 µs a call (a
 * fresh buffer and a call into the generator each time); taking them from
 * the pool costs about 0.4 µs. The bytes are the same CSPRNG output and
 * each is handed out once and then zeroed in the pool. No buffer of the
 * pool ever leaves this module: callers get a string or a copy.
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

function take(length: number): number {
  if (length > POOL.length) throw new RangeError('at most 4096 random bytes at once');
  if (offset + length > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const at = offset;
  offset += length;
  return at;
}

/** `length` random bytes written as base64url or hex. */
export function randomString(length: number, encoding: 'base64url' | 'hex'): string {
  const at = take(length);
  const text = POOL.toString(encoding, at, at + length);
  POOL.fill(0, at, at + length);
  return text;
}

/** Writes `length` random bytes into `target` at `targetOffset`. */
export function fillRandom(target: Uint8Array, targetOffset: number, length: number): void {
  const at = take(length);
  POOL.copy(target, targetOffset, at, at + length);
  POOL.fill(0, at, at + length);
}
