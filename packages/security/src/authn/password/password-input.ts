import { PalisadeError } from '@palisade/common';

/**
 * Longest password we hash, in UTF-8 bytes. NIST SP 800-63B-4 wants at least
 * 64 characters allowed; the cap keeps hashing cost bounded (sha512-crypt's
 * work grows with the square of the length).
 */
export const MAX_PASSWORD_BYTES = 1024;

/** Refuses a password that is not a string or is too long to hash. */
export function checkPasswordInput(password: string): void {
  if (typeof password !== 'string')
    throw new PalisadeError('validation_failed', 'password must be a string');
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES)
    throw new PalisadeError(
      'validation_failed',
      `password is longer than ${MAX_PASSWORD_BYTES} bytes`,
    );
}
