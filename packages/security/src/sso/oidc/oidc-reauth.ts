/**
 * Re-authentication through the IdP (PRODUCT issue 5 item 3 for accounts
 * that sign in with SSO). The authorization request asks the IdP to
 * authenticate the person again (`prompt=login`, `max_age=0`, OpenID
 * Connect Core §3.1.2.1); an IdP may ignore both, so the answer is not
 * trusted on its word: the ID token's `auth_time` (required by Core §2 when
 * `max_age` was sent) must be recent and must not lie before the moment the
 * re-authentication began.
 *
 * What the callback established travels to the session that asked for it as
 * a sealed proof (an HttpOnly, SameSite=Strict cookie), sealed under that
 * session's id: only that session can open it, and it is worth one
 * re-authentication (the session's own re-authentication time, once set at
 * or after the proof, makes it stale).
 */
import type { SecretBox } from '../../crypto/secret-box.ts';
import { ssoFailure } from '../sso-failure.ts';

/** How old the IdP's authentication may be when it comes back. */
export const REAUTH_MAX_AGE_MS = 5 * 60 * 1000;
/** Clock difference allowed between the IdP and us. */
export const AUTH_TIME_SKEW_MS = 10 * 1000;

export type AuthTimeVerdict = 'fresh' | 'missing' | 'too-old' | 'before-start' | 'in-future';

/**
 * Whether `authTime` (the ID token's claim, seconds since the epoch) shows an
 * authentication that happened after the re-authentication began
 * (`startedAt`, ms) and within `REAUTH_MAX_AGE_MS` of `now` (ms).
 */
export function authTimeVerdict(
  authTime: unknown,
  startedAt: number,
  now: number,
): AuthTimeVerdict {
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return 'missing';
  const at = authTime * 1000;
  if (at > now + AUTH_TIME_SKEW_MS) return 'in-future';
  if (now - at > REAUTH_MAX_AGE_MS) return 'too-old';
  // auth_time has whole seconds: the start is compared at the same resolution.
  if (at < Math.floor(startedAt / 1000) * 1000 - AUTH_TIME_SKEW_MS) return 'before-start';
  return 'fresh';
}

/** What the IdP confirmed for one session; sealed into the proof cookie. */
export interface SsoReauthProof {
  readonly sessionId: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly providerId: string;
  readonly identityId: string;
  /** The IdP's `auth_time`, in ms. */
  readonly authTime: number;
  /** The second factor the IdP asserted and the tenant trusts, or null. */
  readonly idpMfaEvidence: string | null;
  /** When the callback verified it: the session's re-authentication must be older. */
  readonly verifiedAt: number;
  readonly expiresAt: number;
}

function context(sessionId: string): string {
  return `oidc-reauth:${sessionId}`;
}

export function sealReauthProof(box: SecretBox, proof: SsoReauthProof): string {
  return box.seal(JSON.stringify(proof), context(proof.sessionId));
}

/**
 * Opens a proof for `sessionId`. An SSO failure when it was sealed for
 * another session or tampered with (`session-mismatch`), or expired
 * (`stale-authentication`).
 */
export function openReauthProof(
  box: SecretBox,
  sealed: string,
  sessionId: string,
  now: number,
): SsoReauthProof {
  let proof: SsoReauthProof;
  try {
    proof = JSON.parse(box.openString(sealed, context(sessionId))) as SsoReauthProof;
  } catch (err) {
    throw ssoFailure('session-mismatch', err);
  }
  if (proof.sessionId !== sessionId) throw ssoFailure('session-mismatch');
  if (!(proof.expiresAt > now)) throw ssoFailure('stale-authentication');
  return proof;
}
