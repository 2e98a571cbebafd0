/**
 * The end of every SSO login: "this local user has authenticated via
 * provider P with amr/acr X". The session layer (web login, issue 5) turns
 * it into a session: active when `mfa.result` is not `ask-local-factor`,
 * otherwise a session that waits for Palisade's own second factor.
 */
import type { SessionKind } from '../ports/web-session-repository.ts';
import type { SsoProviderKind } from './sso-provider.ts';
import type { SsoMfaDecision } from './sso-mfa-decision.ts';

export interface SsoAuthenticated {
  readonly tenantId: string;
  readonly userId: string;
  readonly providerId: string;
  readonly providerKind: SsoProviderKind;
  readonly issuer: string;
  readonly subject: string;
  /** RFC 8176 methods the IdP reported (`pwd` for an LDAP bind). */
  readonly amr: readonly string[];
  readonly acr: string | null;
  readonly mfa: SsoMfaDecision;
  /**
   * The second factor the IdP asserted and the tenant trusts (`amr:otp`,
   * `acr:…`), whether or not this account must use one; null otherwise.
   */
  readonly idpMfaEvidence: string | null;
  /** The account was created by this login (just-in-time). */
  readonly created: boolean;
  /**
   * The area the session is for, as chosen when the sign-in began (for OIDC
   * sealed with the state, so a user-app flow cannot finish as a console one).
   */
  readonly area: SessionKind;
}

/** Where a failure came from, for the audit log and metrics; never a secret. */
export type SsoFailureReason =
  | 'provider-disabled'
  | 'provider-unreachable'
  | 'state-mismatch'
  | 'area-mismatch'
  | 'idp-error'
  | 'issuer-mismatch'
  | 'audience-mismatch'
  | 'nonce-mismatch'
  | 'token-expired'
  | 'signature-invalid'
  | 'alg-refused'
  | 'token-invalid'
  | 'not-linked'
  | 'domain-not-allowed'
  | 'email-unverified'
  | 'already-linked'
  | 'account-disabled'
  | 'no-console-access'
  | 'bad-credentials'
  | 'throttled'
  | 'directory-error'
  // Re-authentication through the IdP (sso/oidc/oidc-reauth.ts):
  /** A re-authentication's state at a login callback, or a login's at a re-authentication. */
  | 'intent-mismatch'
  /** Started in another session, or its proof presented by another session. */
  | 'session-mismatch'
  /** The identity the IdP confirmed is not linked to this session's user. */
  | 'identity-mismatch'
  /** `auth_time` missing, older than the window, or before the re-authentication began. */
  | 'stale-authentication'
  /** A re-authentication proof presented again after it was used. */
  | 'replayed';
