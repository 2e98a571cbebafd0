import { createHash } from 'node:crypto';

/**
 * hex(SHA-256(text)): how every high-entropy token (API, session, setup,
 * single-use link, recovery code) is stored. A fast hash is right for values
 * with nothing to guess, and being deterministic it is also the lookup key.
 * Passwords never go through this: they use argon2id.
 */
export function hashToken(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
