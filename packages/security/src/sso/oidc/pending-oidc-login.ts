/**
 * The browser-bound half of an OIDC login (state, nonce, PKCE verifier),
 * sealed into a short-lived cookie. Sealed under the provider id, so a
 * cookie started for one provider cannot complete at another's callback
 * (per-provider state binding against mix-up, RFC 9700 §4.4).
 */
import { PalisadeError } from '@palisade/common';
import type { SecretBox } from '../../crypto/secret-box.ts';

export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

export interface PendingOidcLogin {
  readonly providerId: string;
  readonly tenantId: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** `link`: attach the identity to `userId` (who was logged in when it started). */
  readonly intent: 'login' | 'link';
  readonly userId: string | null;
  readonly expiresAt: number;
}

function context(providerId: string): string {
  return `oidc-pending:${providerId}`;
}

export function sealPendingLogin(box: SecretBox, pending: PendingOidcLogin): string {
  return box.seal(JSON.stringify(pending), context(pending.providerId));
}

/** Throws PalisadeError('unauthenticated') when missing, tampered, for another provider or expired. */
export function openPendingLogin(
  box: SecretBox,
  sealed: string,
  providerId: string,
  now: number,
): PendingOidcLogin {
  const value = JSON.parse(box.openString(sealed, context(providerId))) as PendingOidcLogin;
  if (value.providerId !== providerId || !(value.expiresAt > now))
    throw new PalisadeError('unauthenticated', 'pending login expired');
  return value;
}
