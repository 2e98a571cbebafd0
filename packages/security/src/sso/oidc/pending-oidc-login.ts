/**
 * The browser-bound half of an OIDC login (state, nonce, PKCE verifier and
 * the area the session is for), sealed into a short-lived cookie. Sealed
 * under the provider id, so a cookie started for one provider cannot
 * complete at another's callback (per-provider state binding against
 * mix-up, RFC 9700 §4.4).
 *
 * The area (user app or console) is chosen when the login starts and is
 * bound twice: inside the sealed cookie, and as the prefix of the `state`
 * sent to the IdP (`console.<random>`). A callback whose state names another
 * area than the cookie is refused before the code is redeemed, so the code
 * and state of a user-app flow never finish as a console session.
 */
import { PalisadeError } from '@palisade/common';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { SessionKind } from '../../ports/web-session-repository.ts';

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
  /** Which session the login opens. */
  readonly area: SessionKind;
  readonly expiresAt: number;
}

function context(providerId: string): string {
  return `oidc-pending:${providerId}`;
}

/** The `state` parameter: the area, a dot, then the random value. */
export function areaState(area: SessionKind, random: string): string {
  return `${area}.${random}`;
}

/** The area a `state` parameter names, or null when it names none. */
export function stateArea(state: string | null): SessionKind | null {
  const dot = state?.indexOf('.') ?? -1;
  const area = dot > 0 ? state?.slice(0, dot) : null;
  return area === 'console' || area === 'app' ? area : null;
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
  if (value.area !== 'console' && value.area !== 'app')
    throw new PalisadeError('unauthenticated', 'pending login names no area');
  return value;
}
