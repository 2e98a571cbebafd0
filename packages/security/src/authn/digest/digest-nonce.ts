/**
 * Stateless, verifiable nonces:
 *
 *     nonce = base64url( issuedAt(8, ms, big-endian) || random(16) || mac(32) )
 *     mac   = HMAC-SHA256(key, issuedAt || random || realm)
 *
 * The server keeps nothing per challenge, so a flood of unauthenticated
 * requests costs no memory; yet a forged nonce, a tampered timestamp or a
 * nonce issued for another realm (tenant) fails the MAC. The random part
 * makes each nonce unique, which the nonce-count tracker relies on.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fillRandom } from '@palisade/common';
import type { KeyObject } from 'node:crypto';

const TIME_BYTES = 8;
const RANDOM_BYTES = 16;
const MAC_BYTES = 32;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
/** base64url length of 56 bytes without padding. */
export const NONCE_LENGTH = Math.ceil((NONCE_BYTES * 4) / 3);
const NONCE_PATTERN = /^[A-Za-z0-9_-]+$/;

export class DigestNonceCodec {
  readonly #key: KeyObject;

  constructor(key: KeyObject) {
    this.#key = key;
  }

  issue(realm: string, issuedAtMs: number): string {
    const body = Buffer.alloc(TIME_BYTES + RANDOM_BYTES);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(issuedAtMs))), 0);
    fillRandom(body, TIME_BYTES, RANDOM_BYTES);
    return Buffer.concat([body, this.#mac(body, realm)]).toString('base64url');
  }

  /** The issue time of a nonce we made for `realm`, or null for anything else. */
  open(nonce: string, realm: string): { readonly issuedAtMs: number } | null {
    if (nonce.length !== NONCE_LENGTH || !NONCE_PATTERN.test(nonce)) return null;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return null;
    const body = raw.subarray(0, TIME_BYTES + RANDOM_BYTES);
    const mac = raw.subarray(TIME_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(mac, this.#mac(body, realm))) return null;
    return { issuedAtMs: Number(raw.readBigUInt64BE(0)) };
  }

  #mac(body: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.#key).update(body).update(realm, 'utf8').digest();
  }
}
