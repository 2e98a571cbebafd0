/**
 * The cookies of an OIDC sign-in, all `__Host-` (Secure, Path=/, no Domain)
 * and HttpOnly:
 *
 * - the pending login (state, nonce, PKCE verifier), SameSite=Lax because
 *   the IdP brings the browser back with a cross-site top-level GET, which
 *   Lax still carries;
 * - the re-authentication proof the callback leaves for the session that
 *   asked, SameSite=Strict: it is only read by that session's own
 *   same-origin request (`POST /api/v1/auth/reauth/oidc`), never by a
 *   cross-site one.
 */
import type { FastifyRequest } from 'fastify';

export const PENDING_COOKIE = '__Host-palisade-sso';
export const REAUTH_COOKIE = '__Host-palisade-reauth';
const MAX_COOKIE = 4096;

export function pendingCookie(value: string, maxAgeSeconds: number): string {
  return `${PENDING_COOKIE}=${value}; Path=/; Max-Age=${Math.floor(maxAgeSeconds)}; Secure; HttpOnly; SameSite=Lax`;
}

export function clearPendingCookie(): string {
  return `${PENDING_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax`;
}

export function reauthCookie(value: string, maxAgeSeconds: number): string {
  return `${REAUTH_COOKIE}=${value}; Path=/; Max-Age=${Math.floor(maxAgeSeconds)}; Secure; HttpOnly; SameSite=Strict`;
}

export function clearReauthCookie(): string {
  return `${REAUTH_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict`;
}

function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 16_384) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= MAX_COOKIE ? value : null;
    }
  }
  return null;
}

export function readPendingCookie(request: FastifyRequest): string | null {
  return readCookie(request, PENDING_COOKIE);
}

export function readReauthCookie(request: FastifyRequest): string | null {
  return readCookie(request, REAUTH_COOKIE);
}
