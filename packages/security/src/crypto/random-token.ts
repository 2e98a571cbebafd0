import { randomBytes } from 'node:crypto';
import { PalisadeError } from '@palisade/common';

/** Fewer than 16 bytes (128 bits) is too little to stand alone as a secret. */
export const MIN_TOKEN_BYTES = 16;
export const MAX_TOKEN_BYTES = 1024;

/**
 * A random token of `bytes` bytes from the system CSPRNG, base64url without
 * padding (safe in URLs, cookies and header values).
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_TOKEN_BYTES || bytes > MAX_TOKEN_BYTES) {
    throw new PalisadeError(
      'validation_failed',
      `token size must be an integer from ${MIN_TOKEN_BYTES} to ${MAX_TOKEN_BYTES} bytes`,
    );
  }
  return randomBytes(bytes).toString('base64url');
}
