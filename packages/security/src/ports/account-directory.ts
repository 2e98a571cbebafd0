/**
 * What the login and session code needs to know about people. The security
 * core does not own users (the directory in pbx does); the composition root
 * adapts the directory to this port.
 */
export interface Account {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly displayName: string;
  readonly extension: string;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly active: boolean;
  readonly isSuperAdmin: boolean;
  readonly passwordHash: string | null;
}

export interface AccountAccess {
  /** Everything the account's groups grant (admin and user permissions). */
  readonly permissions: ReadonlySet<string>;
  /** Member of an admin group, or the super-admin. */
  readonly isAdmin: boolean;
  /** A second factor is mandatory (admins always; per group or for all by tenant setting). */
  readonly mfaRequired: boolean;
  /**
   * The password is older than the tenant's policy allows (periodic expiry,
   * vendor-compat preset): the user must change it before anything else.
   */
  readonly passwordExpired: boolean;
}

export interface TenantIdentitySettings {
  readonly tenantName: string;
  /** Hold logins from unknown networks until confirmed by e-mail. */
  readonly locationMfa: boolean;
  /** Extra origins admins trust for this tenant (exact origins). */
  readonly trustedOrigins: readonly string[];
  /** Password policy preset name of the tenant. */
  readonly passwordPreset: 'standards' | 'vendor-compat';
}

export interface AccountDirectory {
  /** `tenantDomain` null: the default tenant. Null when no such tenant or user. */
  findForLogin(username: string, tenantDomain: string | null): Promise<Account | null>;
  /** The tenant id a login names, or null for an unknown domain. */
  tenantIdFor(tenantDomain: string | null): Promise<string | null>;
  findById(userId: string): Promise<Account | null>;
  access(userId: string): Promise<AccountAccess>;
  settings(tenantId: string): Promise<TenantIdentitySettings>;
  /**
   * Stores a password hash. `changedAt`: when a new password was chosen
   * (starts its age); left out when the same password is only rehashed.
   */
  setPasswordHash(userId: string, hash: string, changedAt?: number): Promise<void>;
}
