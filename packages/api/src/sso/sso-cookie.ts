/**
 * The pending-login cookie of an OIDC sign-in: `__Host-` (Secure, Path=/, no
 * Domain), HttpOnly, and SameSite=Lax because the IdP brings the browser
 * back with a cross-site top-level GET, which Lax still carries.
 */
import type { FastifyRequest } from 'fastify';

export const PENDING_COOKIE = '__Host-palisade-sso';
const MAX_COOKIE = 4096;

export function pendingCookie(value: string, maxAgeSeconds: number): string {
  return `${PENDING_COOKIE}=${value}; Path=/; Max-Age=${Math.floor(maxAgeSeconds)}; Secure; HttpOnly; SameSite=Lax`;
}

export function clearPendingCookie(): string {
  return `${PENDING_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax`;
}

export function readPendingCookie(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 16_384) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === PENDING_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= MAX_COOKIE ? value : null;
    }
  }
  return null;
}
