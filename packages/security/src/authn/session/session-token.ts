/**
 * Session tokens: 128 random bits as 22 base64url characters. The store keeps
 * hex(SHA-256(token)) only; a fast hash is right for 128 random bits (nothing
 * to guess) and makes the hash the lookup key. CSRF tokens are made the same way.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { hashToken } from '../../crypto/token-hash.ts';

export const SESSION_TOKEN_BYTES = 16;
const SHAPE = /^[A-Za-z0-9_-]{22}$/;

export interface GeneratedSessionToken {
  readonly token: string;
  readonly hash: string;
}

export function generateSessionToken(): GeneratedSessionToken {
  const token = randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashSessionToken(token) };
}

export function isSessionTokenShape(value: string): boolean {
  return SHAPE.test(value);
}

export function hashSessionToken(token: string): string {
  return hashToken(token);
}

/**
 * The CSRF token of a session, derived from the session token (HMAC), so the
 * server can hand it out again to a page of the same session without storing
 * it; a cross-site page cannot read it, and it changes whenever the session
 * token rotates.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken)
    .update('palisade-csrf-v1')
    .digest()
    .subarray(0, SESSION_TOKEN_BYTES)
    .toString('base64url');
}
