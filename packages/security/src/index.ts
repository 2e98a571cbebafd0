// crypto/: tokens, secrets, constant-time comparison
export * from './crypto/index.ts';

// authn/digest/: SIP Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760)
export * from './authn/digest/index.ts';

// authn/password/: argon2id hashing, legacy SHA-512-crypt verification, upgrade on login
export * from './authn/password/index.ts';

// authn/password-policy/: presets (standards, vendor-compat), checks with plain-word reasons
export * from './authn/password-policy/index.ts';

// mfa/totp/: RFC 6238 TOTP with replay protection, secrets, otpauth URIs
export * from './mfa/totp/index.ts';

// authz/: the permission catalogue
export * from './authz/permissions.ts';

// ports/: the repositories security owns (implemented by @palisade/store)
export * from './ports/index.ts';

// authn/webphone/: short-lived SIP credentials for the browser softphone
export * from './authn/webphone/index.ts';

// authn/: API tokens
export * from './authn/api-token-service.ts';

// audit/: the audit trail (database + syslog)
export * from './audit/audit-trail.ts';

// authn/session/ and authn/login/: web sessions, login with throttling and second-factor steps
export * from './authn/session/index.ts';
export * from './authn/login/index.ts';

// mfa/: factors (TOTP, recovery codes), single-use codes and links, mail templates
export * from './mfa/factors/mfa-factor-service.ts';
export * from './mfa/one-time-code-service.ts';
export * from './mfa/mail-templates.ts';
export { escapeControl } from './audit/escape-control.ts';
export * from './authn/password/password-service.ts';
export * from './authz/call-class-authorizer.ts';
export * from './mfa/passkey/passkey-service.ts';
export {
  ChallengeStore,
  CHALLENGE_BYTES,
  type ChallengePurpose,
} from './mfa/passkey/challenge-store.ts';
// sso/: OpenID Connect and LDAP / Active Directory sign-in, linked identities, directory sync
export * from './sso/index.ts';

// ids/: intrusion detection: events, sliding windows, policy, bans, report
export * from './ids/index.ts';
