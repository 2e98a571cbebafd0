import { PalisadeError } from '@palisade/common';
import type { SsoFailureReason } from './sso-authentication.ts';

/** What the person at the browser is told: no detail that helps an attacker. */
const PUBLIC_MESSAGE: Readonly<Record<SsoFailureReason, string>> = {
  'provider-disabled': 'this sign-in method is not available',
  'provider-unreachable': 'the identity provider could not be reached; try again later',
  'state-mismatch': 'the sign-in expired or was started in another browser; start again',
  'area-mismatch': 'the sign-in was started for another area; start again',
  'idp-error': 'the identity provider refused the sign-in',
  'issuer-mismatch': 'the identity provider response was not valid',
  'audience-mismatch': 'the identity provider response was not valid',
  'nonce-mismatch': 'the identity provider response was not valid',
  'token-expired': 'the identity provider response was not valid',
  'signature-invalid': 'the identity provider response was not valid',
  'alg-refused': 'the identity provider response was not valid',
  'token-invalid': 'the identity provider response was not valid',
  'not-linked': 'no account is linked to this identity; ask your administrator',
  'domain-not-allowed': 'no account is linked to this identity; ask your administrator',
  'email-unverified': 'no account is linked to this identity; ask your administrator',
  'already-linked': 'this identity is already linked to an account',
  'account-disabled': 'this account is disabled',
  'no-console-access': 'this account has no console access; use the user app',
  'bad-credentials': 'wrong user name or password',
  throttled: 'too many failed sign-ins; try again later',
  'directory-error': 'the directory could not be searched; try again later',
  'intent-mismatch': 'the sign-in expired or was started in another browser; start again',
  'session-mismatch': 'the confirmation was started in another session; start again',
  'identity-mismatch':
    'the identity provider confirmed someone else: use the identity linked to your account',
  'stale-authentication': 'the identity provider did not ask for your password again; try again',
  replayed: 'this confirmation was used already; start again',
};

const CODE: Partial<
  Record<SsoFailureReason, 'unavailable' | 'forbidden' | 'conflict' | 'rate_limited'>
> = {
  throttled: 'rate_limited',
  'provider-unreachable': 'unavailable',
  'directory-error': 'unavailable',
  'provider-disabled': 'forbidden',
  'no-console-access': 'forbidden',
  'already-linked': 'conflict',
};

/** An expected SSO failure; `details.reason` is the category the audit log records. */
export function ssoFailure(reason: SsoFailureReason, cause?: unknown): PalisadeError {
  return new PalisadeError(CODE[reason] ?? 'unauthenticated', PUBLIC_MESSAGE[reason], {
    details: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

export function ssoFailureReason(err: unknown): SsoFailureReason | null {
  if (!(err instanceof PalisadeError)) return null;
  const reason = err.details?.['reason'];
  return typeof reason === 'string' && reason in PUBLIC_MESSAGE
    ? (reason as SsoFailureReason)
    : null;
}
