/** Per-user and per-tenant SSO rules (PRODUCT §C6 "SSO only"). */
export interface TenantSsoPolicy {
  /** Admins who are "SSO only" may still log in locally (break-glass) when the IdP is down. */
  readonly breakGlassLocalAdmin: boolean;
}

export interface SsoPolicyRepository {
  /** False for a user without a row. */
  isSsoOnly(userId: string): Promise<boolean>;
  /** 'not_found' for an unknown user. */
  setSsoOnly(tenantId: string, userId: string, ssoOnly: boolean): Promise<void>;
  /** Defaults (no break-glass) for a tenant without a row. */
  tenantPolicy(tenantId: string): Promise<TenantSsoPolicy>;
  setTenantPolicy(tenantId: string, policy: TenantSsoPolicy): Promise<void>;
}
