export * from './ports/index.ts';
export * from './sso-provider.ts';
export * from './sso-authentication.ts';
export { ssoFailure, ssoFailureReason } from './sso-failure.ts';
export * from './sso-mfa-decision.ts';
export * from './sso-local-login-policy.ts';
export { SsoLocalLoginGate } from './sso-local-login-gate.ts';
export { recordSso, type SsoRemote, type SsoAuditAction } from './sso-audit.ts';
export {
  SsoIdentityResolver,
  emailDomain,
  type ExternalIdentity,
} from './sso-identity-resolver.ts';
export { LinkedIdentityService } from './linked-identity-service.ts';
export { oidcPresetDefaults, type OidcPresetDefaults } from './oidc/oidc-presets.ts';
export {
  OidcLoginService,
  type OidcLoginDeps,
  type OidcStart,
  type OidcCallbackResult,
  type PendingLanding,
} from './oidc/oidc-login-service.ts';
export { PENDING_LOGIN_TTL_MS } from './oidc/pending-oidc-login.ts';
export {
  REAUTH_MAX_AGE_MS,
  AUTH_TIME_SKEW_MS,
  authTimeVerdict,
  type AuthTimeVerdict,
  type SsoReauthProof,
} from './oidc/oidc-reauth.ts';
export { escapeLdapFilterValue, ldapEquals } from './ldap/ldap-filter-escape.ts';
export { LDAP_PRESETS, UAC_ACCOUNT_DISABLED } from './ldap/ldap-presets.ts';
export type { LdapPerson } from './ldap/ldap-entry.ts';
export { LdapDirectory, type LdapAuthResult } from './ldap/ldap-directory.ts';
export {
  testLdapConnection,
  type ConnectionReport,
  type ConnectionCheck,
  type ConnectionStep,
} from './ldap/ldap-connection-test.ts';
export { planLdapSync, mappedGroups, type LdapSyncPlan } from './ldap/ldap-sync-plan.ts';
export type { LdapSyncReport } from './ldap/ldap-sync-report.ts';
export { LdapSsoService, type LdapSsoDeps } from './ldap/ldap-sso-service.ts';
export { normalisePhone, normaliseEmail } from './sso-profile.ts';
export {
  SsoProviderAdmin,
  providerView,
  redirectUriFor,
  type ProviderView,
  type ProviderInput,
  type OidcSettings,
  type SsoProviderAdminDeps,
} from './sso-provider-admin.ts';
export {
  MemoryLoginLimiter,
  DEFAULT_LIMITER_POLICY,
  type LoginLimiter,
  type LimiterPolicy,
} from './ldap/ldap-login-limiter.ts';
