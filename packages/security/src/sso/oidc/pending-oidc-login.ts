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
 *
 * A re-authentication (intent `reauth`) is bound the same way with the
 * prefix `reauth.`, and its cookie names the session and user that began it:
 * its code and state never finish as a login, nor a login's as a
 * re-authentication, and it counts only for that session.
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
  /**
   * `link`: attach the identity to `userId` (who was logged in when it
   * started); `reauth`: confirm that `userId` is at the browser, for the
   * session `sessionId`.
   */
  readonly intent: 'login' | 'link' | 'reauth';
  readonly userId: string | null;
  /** The session a re-authentication is for; null otherwise. */
  readonly sessionId: string | null;
  /** Which session the login opens (a re-authentication: the kind of its session). */
  readonly area: SessionKind;
  /** When the flow began (a re-authentication's `auth_time` must not be older). */
  readonly startedAt: number;
  readonly expiresAt: number;
}

/** What the `state` parameter's prefix names: the area of a login or link, or a re-authentication. */
export type StateTag = SessionKind | 'reauth';

function context(providerId: string): string {
  return `oidc-pending:${providerId}`;
}

/** The `state` parameter: the tag, a dot, then the random value. */
export function taggedState(tag: StateTag, random: string): string {
  return `${tag}.${random}`;
}

/** The tag a `state` parameter names, or null when it names none. */
export function stateTag(state: string | null): StateTag | null {
  const dot = state?.indexOf('.') ?? -1;
  const tag = dot > 0 ? state?.slice(0, dot) : null;
  return tag === 'console' || tag === 'app' || tag === 'reauth' ? tag : null;
}

/** The tag a pending login's state must carry. */
export function tagOf(pending: Pick<PendingOidcLogin, 'intent' | 'area'>): StateTag {
  return pending.intent === 'reauth' ? 'reauth' : pending.area;
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
  if (
    value.intent === 'reauth' &&
    (typeof value.sessionId !== 'string' ||
      typeof value.userId !== 'string' ||
      typeof value.startedAt !== 'number')
  )
    throw new PalisadeError('unauthenticated', 'pending re-authentication names no session');
  return value;
}
