/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF and a key
 * derivation rate of 0 (keys derived once, the only rate SDES and DTLS-SRTP
 * use). For GCM the 96-bit master salt is multiplied by 2^16 first
 * (RFC 7714 §11, erratum 4938).
 */
import { createCipheriv } from 'node:crypto';

export const LABEL = {
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
} as const;

export function deriveSessionKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Buffer {
  if (masterKey.length !== 16) throw new RangeError('master key must be 16 bytes');
  if (masterSalt.length !== 14 && masterSalt.length !== 12)
    throw new RangeError('master salt must be 14 or 12 bytes');
  // x = (label || r) XOR master_salt, r = index DIV kdr = 0; IV = x * 2^16.
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  iv[7] = (iv[7] as number) ^ label;
  const cipher = createCipheriv('aes-128-ctr', masterKey, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}
