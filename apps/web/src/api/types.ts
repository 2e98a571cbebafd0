/** The shapes the API answers with (they mirror packages/api's schemas). */
export interface SessionView {
  readonly id: string;
  readonly kind: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly remoteAddress: string;
  readonly userAgent: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly current?: boolean;
}

export interface Me {
  readonly userId: string;
  readonly tenantId: string;
  readonly permissions: readonly string[];
  readonly csrfToken: string;
  readonly mfaEnrolmentRequired: boolean;
  /** The password is past its maximum age: only changing it is allowed. */
  readonly passwordChangeRequired: boolean;
  readonly reauthenticatedAt: number;
  readonly session: SessionView;
}

export interface LoginResponse {
  readonly status: 'active' | 'mfa' | 'location';
  readonly loginToken?: string;
  readonly methods?: readonly string[];
  readonly csrfToken?: string;
  readonly mfaEnrolmentRequired?: boolean;
  readonly session?: SessionView;
}

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly extension: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly state: 'active' | 'disabled';
  readonly isSuperAdmin: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Device {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly sipUsername: string;
  readonly label: string;
  readonly createdAt: number;
  readonly secretRotatedAt: number;
}

export interface DeviceCredentials {
  readonly device: Device;
  readonly sipUsername: string;
  readonly secret: string;
  readonly domain: string;
}

export interface Group {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
  readonly isAdmin: boolean;
  readonly permissions: readonly string[];
  readonly createdAt: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly tenantId: string | null;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly remoteAddress: string | null;
  readonly remotePort: number | null;
  readonly outcome: string;
  readonly detail: Record<string, unknown>;
}

export interface Factor {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly confirmed: boolean;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface IdentitySettings {
  readonly trustedOrigins: readonly string[];
  readonly locationMfa: boolean;
  readonly mfaForAll: boolean;
  readonly mfaGroupIds: readonly string[];
  readonly passwordPreset: 'standards' | 'vendor-compat';
}

/** GET/PUT /api/v1/call-settings: the tenant's dial plan and ring groups. */
export interface RingGroup {
  readonly extension: string;
  readonly name: string;
  readonly strategy: 'simultaneous' | 'sequential';
  readonly members: readonly string[];
  readonly ringSeconds: number;
}

export interface CallSettings {
  readonly emergencyNumbers: readonly string[];
  readonly nationalPrefixes: readonly string[];
  readonly internationalPrefixes: readonly string[];
  readonly noAnswerSeconds: number;
  readonly ringGroups: readonly RingGroup[];
  readonly phoneSrtp: 'as-caller' | 'always';
}

/** GET/PUT /api/v1/me/call-forwarding. */
/** A status a user sets: `dnd` is their do-not-disturb (callers get busy). */
export type PresenceStatus = 'available' | 'away' | 'busy' | 'dnd';

/** A user's presence (GET /api/v1/me/presence, /api/v1/presence). */
export interface PresenceEntry {
  readonly userId: string;
  readonly extension: string;
  readonly displayName: string;
  readonly status: PresenceStatus;
  readonly registered: boolean;
  readonly onCall: boolean;
  readonly ringing: boolean;
}

export interface CallForwarding {
  readonly doNotDisturb: boolean;
  readonly unconditional: string | null;
  readonly busy: string | null;
  readonly noAnswer: string | null;
}

export type OidcPreset = 'google' | 'microsoft' | 'generic';
export type LdapPreset = 'active-directory' | 'openldap';
export type IdTokenAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

interface Provisioning {
  readonly jitCreate: boolean;
  readonly allowedEmailDomains: readonly string[];
  readonly defaultGroupId: string | null;
}

export interface OidcConfig extends Provisioning {
  readonly preset: OidcPreset;
  readonly issuer: string;
  readonly clientId: string;
  /** Derived by the server from its public URL and the provider id. */
  readonly redirectUri?: string;
  readonly scopes: readonly string[];
  readonly idTokenAlg: IdTokenAlg;
  readonly allowHttpLoopback: boolean;
  readonly trustIdpMfa: boolean;
  readonly mfaAcrValues: readonly string[];
}

export interface LdapAttributes {
  readonly username: string;
  readonly alternateLogin: string | null;
  readonly email: string;
  readonly displayName: string;
  readonly phone: string;
  readonly memberOf: string | null;
  readonly uniqueId: string;
  readonly accountControl: string | null;
}

export interface LdapConfig extends Provisioning {
  readonly preset: LdapPreset;
  readonly url: string;
  readonly startTls: boolean;
  readonly caPem: string | null;
  readonly allowAnyCertificate: boolean;
  readonly bindDn: string;
  readonly baseDn: string;
  readonly userFilter: string;
  readonly attributes: LdapAttributes;
  readonly groupSearch: {
    readonly baseDn: string;
    readonly objectClass: string;
    readonly memberAttribute: string;
  } | null;
  readonly groupMappings: readonly { readonly ldapGroupDn: string; readonly groupId: string }[];
  readonly timeoutMs: number;
  readonly syncIntervalMinutes: number;
}

interface ProviderBase {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly enabled: boolean;
  /** A client secret or service password is set; its value is never sent back. */
  readonly hasSecret: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type SsoProvider =
  | (ProviderBase & { readonly kind: 'oidc'; readonly config: OidcConfig })
  | (ProviderBase & { readonly kind: 'ldap'; readonly config: LdapConfig });

export interface ConnectionReport {
  readonly ok: boolean;
  readonly checks: readonly {
    readonly step: string;
    readonly ok: boolean;
    readonly message: string;
  }[];
}

export interface SyncReport {
  readonly dryRun: boolean;
  readonly seen: number;
  readonly created: readonly string[];
  readonly updated: readonly { readonly username: string; readonly changes: readonly string[] }[];
  readonly disabled: readonly { readonly username: string; readonly reason: string }[];
  readonly unchanged: number;
  readonly skipped: readonly { readonly username: string; readonly reason: string }[];
  readonly error: string | null;
}

export interface SyncRun {
  readonly id: string;
  readonly providerId: string;
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: 'success' | 'failure';
  readonly report: SyncReport;
}

/** A "Sign in with …" choice of the login page (public). */
export interface LoginOption {
  readonly id: string;
  readonly name: string;
  readonly kind: 'oidc' | 'ldap';
  readonly startUrl: string | null;
}

export interface LinkedIdentity {
  readonly id: string;
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly linkedAt: number;
  readonly lastLoginAt: number | null;
}

/** `GET /api/v1/sso/presets`: what a directory preset fills in. */
export type LdapPresets = Readonly<
  Record<LdapPreset, { readonly attributes: LdapAttributes; readonly userFilter: string }>
>;

/** `GET /api/v1/auth/reauth/methods`: what can confirm it is you before a security change. */
export interface ReauthMethods {
  /** The local password can confirm it (never for an "SSO only" account, bar break-glass). */
  readonly password: boolean;
  readonly ssoOnly: boolean;
  /** A second-factor code is asked too (unless a trusted IdP asserts one). */
  readonly factor: boolean;
  /** Enabled providers the account has an identity at. */
  readonly providers: readonly {
    readonly id: string;
    readonly name: string;
    readonly kind: 'oidc' | 'ldap';
  }[];
}
