import { ALPHANUMERIC, randomString } from './random-string.ts';

/**
 * 24 letters and digits: log2(62) × 24 ≈ 142.9 bits, above the 128 bits
 * PRODUCT §A5 asks for. Letters and digits only, because phone keypads,
 * provisioning files and some device web UIs mangle punctuation.
 */
export const SIP_SECRET_LENGTH = 24;

/** A new SIP device secret (separate from the user's web password). */
export function generateSipSecret(): string {
  return randomString(SIP_SECRET_LENGTH, ALPHANUMERIC);
}
