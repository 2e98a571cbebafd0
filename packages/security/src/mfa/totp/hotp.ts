/**
 * HOTP (RFC 4226 §5): HMAC over the 8-byte big-endian counter, dynamic
 * truncation, modulo 10^digits. TOTP (RFC 6238) is HOTP with the counter
 * taken from the clock.
 */
import { createHmac } from 'node:crypto';

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

const NODE_HASH: Record<OtpAlgorithm, string> = {
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512',
};

export function hotp(
  secret: Uint8Array,
  counter: number,
  digits = 6,
  algorithm: OtpAlgorithm = 'SHA1',
): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('bad HOTP counter');
  if (!Number.isInteger(digits) || digits < 6 || digits > 8)
    throw new RangeError('digits must be 6 to 8');
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(NODE_HASH[algorithm], secret).update(msg).digest();
  // RFC 4226 §5.3: the low 4 bits of the last byte pick the offset.
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
