/**
 * Sorts what openid-client throws into the failure categories the audit log
 * records. Its messages name the claim or parameter that failed
 * (`unexpected JWT "aud" (audience) claim value`), which is what we key on.
 */
import type { SsoFailureReason } from '../sso-authentication.ts';

interface ErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly name?: unknown;
  readonly cause?: unknown;
}

function text(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const own = `${typeof e.name === 'string' ? e.name : ''} ${typeof e.code === 'string' ? e.code : ''} ${typeof e.message === 'string' ? e.message : ''}`;
  return e.cause && e.cause !== err && typeof e.cause === 'object' && 'message' in e.cause
    ? `${own} | ${text(e.cause)}`
    : own;
}

export function oidcErrorCategory(err: unknown): SsoFailureReason {
  const t = text(err);
  if (/AuthorizationResponseError|ResponseBodyError|WWWAuthenticateChallengeError/.test(t))
    return 'idp-error';
  if (/"alg"/.test(t)) return 'alg-refused';
  if (/signature/i.test(t)) return 'signature-invalid';
  if (/"iss"|issuer/.test(t)) return 'issuer-mismatch';
  if (/"aud"|"azp"|audience/.test(t)) return 'audience-mismatch';
  if (/"nonce"/.test(t)) return 'nonce-mismatch';
  if (/"exp"|"iat"|expired|timestamp/.test(t)) return 'token-expired';
  if (/"state"/.test(t)) return 'state-mismatch';
  if (
    /fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|TimeoutError|AbortError|certificate|self.signed/i.test(
      t,
    )
  )
    return 'provider-unreachable';
  return 'token-invalid';
}
