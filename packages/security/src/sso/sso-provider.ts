/**
 * Identity providers of a tenant (PRODUCT §C6): OpenID Connect and LDAP /
 * Active Directory. The non-secret settings live in `config`; the one secret
 * (OIDC client secret, LDAP service account password) is stored sealed with
 * the SSO secret box, never in `config`.
 */
export type SsoProviderKind = 'oidc' | 'ldap';
export type OidcPreset = 'google' | 'microsoft' | 'generic';
export type LdapPreset = 'active-directory' | 'openldap';
export type IdTokenAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** Who may be created on first login, and where they land. */
export interface ProvisioningSettings {
  /** Create an account at the first login of an unknown identity. */
  readonly jitCreate: boolean;
  /** E-mail domains (lower case) whose people may be created; empty: nobody. */
  readonly allowedEmailDomains: readonly string[];
  /** ACL group new accounts join (null: none). */
  readonly defaultGroupId: string | null;
}

export interface MfaTrustSettings {
  /** The tenant trusts this provider's second factor for "MFA required". */
  readonly trustIdpMfa: boolean;
  /** `acr` values that count as a second factor when trusted. */
  readonly mfaAcrValues: readonly string[];
}

export interface OidcProviderConfig extends ProvisioningSettings, MfaTrustSettings {
  readonly preset: OidcPreset;
  /** Exact issuer identifier; discovery must return the same. */
  readonly issuer: string;
  readonly clientId: string;
  /** Exact redirect URI registered at the IdP: `https://<host>/api/v1/sso/oidc/<id>/callback`. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** The only ID token signature algorithm accepted. */
  readonly idTokenAlg: IdTokenAlg;
  /** Plain HTTP to the IdP, allowed only for a loopback issuer (tests and development). */
  readonly allowHttpLoopback: boolean;
}

export interface LdapAttributeMap {
  /** The login name attribute (sAMAccountName, uid). */
  readonly username: string;
  /** Also accepted as a login name (userPrincipalName); null: none. */
  readonly alternateLogin: string | null;
  readonly email: string;
  readonly displayName: string;
  readonly phone: string;
  /** Group membership on the user entry (memberOf); null: search groups instead. */
  readonly memberOf: string | null;
  /** A stable id that survives renames (objectGUID, entryUUID). */
  readonly uniqueId: string;
  /** AD's userAccountControl (bit 2 = disabled); null: no such attribute. */
  readonly accountControl: string | null;
}

export interface LdapGroupSearch {
  /** Where groups live. */
  readonly baseDn: string;
  /** Object class of groups (groupOfNames). */
  readonly objectClass: string;
  /** Attribute holding member DNs (member). */
  readonly memberAttribute: string;
}

export interface LdapGroupMapping {
  /** Group DN in the directory (compared case-insensitively). */
  readonly ldapGroupDn: string;
  /** Palisade ACL group id. */
  readonly groupId: string;
}

export interface LdapProviderConfig extends ProvisioningSettings {
  readonly preset: LdapPreset;
  /** `ldaps://host:636` or `ldap://host:389` (then `startTls` must be true). */
  readonly url: string;
  readonly startTls: boolean;
  /** PEM of the CA(s) that sign the server certificate; null: the system store. */
  readonly caPem: string | null;
  /** Accept any server certificate. Dangerous; logged loudly at every connection. */
  readonly allowAnyCertificate: boolean;
  /** Service account used to search (its password is the provider's sealed secret). */
  readonly bindDn: string;
  readonly baseDn: string;
  /** Extra filter every user must match, e.g. `(objectClass=user)`. */
  readonly userFilter: string;
  readonly attributes: LdapAttributeMap;
  readonly groupSearch: LdapGroupSearch | null;
  readonly groupMappings: readonly LdapGroupMapping[];
  /** Per-operation timeout. */
  readonly timeoutMs: number;
  /** Minutes between scheduled syncs; 0: no schedule. */
  readonly syncIntervalMinutes: number;
}

export interface SsoProviderBase {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly enabled: boolean;
  /** Sealed client secret or bind password; null when none is set. */
  readonly sealedSecret: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type SsoProvider =
  | (SsoProviderBase & { readonly kind: 'oidc'; readonly config: OidcProviderConfig })
  | (SsoProviderBase & { readonly kind: 'ldap'; readonly config: LdapProviderConfig });

/** The issuer under which LDAP identities are linked: one per provider. */
export function ldapIssuer(providerId: string): string {
  return `ldap:${providerId}`;
}

/** The context the provider's secret is sealed under: it cannot move to another provider. */
export function providerSecretContext(providerId: string): string {
  return `sso-provider-secret:${providerId}`;
}
