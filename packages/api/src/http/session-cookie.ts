/**
 * The session cookie: `__Host-palisade` (the `__Host-` prefix makes browsers
 * insist on Secure, Path=/ and no Domain, so no sibling host can set or read
 * it). SameSite=Strict for console sessions, Lax for the user app (links from
 * e-mail or chat into the app keep working; the console never needs that).
 */
import type { SessionKind } from '@palisade/security';

export const SESSION_COOKIE = '__Host-palisade';

export function sessionCookie(token: string, kind: SessionKind, maxAgeSeconds: number): string {
  const sameSite = kind === 'console' ? 'Strict' : 'Lax';
  return `${SESSION_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=${sameSite}; Max-Age=${Math.max(0, Math.round(maxAgeSeconds))}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/** The session cookie's value from a Cookie header, or null. */
export function readSessionCookie(header: string | undefined): string | null {
  if (typeof header !== 'string' || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}
