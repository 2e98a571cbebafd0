/**
 * The Kysely view of the schema (as of the latest migration). Column names
 * are snake_case as in the database; repositories map rows to the camelCase
 * port types. Flags select as 0/1 on SQLite and true/false on PostgreSQL.
 * Epoch-millisecond columns are BIGINT and arrive as numbers on both.
 */
import type { ColumnType, Generated } from 'kysely';

export type Flag = ColumnType<boolean | number, boolean, boolean>;

export interface TenantsTable {
  id: string;
  name: string;
  sip_domain: string;
  created_at: number;
}

/** One row (id 1): moved by triggers when credentials change (migration 9). */
export interface CredentialsGenerationTable {
  id: number;
  generation: number | string;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  username: string;
  extension: string;
  display_name: string;
  email: string | null;
  mobile: string | null;
  state: 'active' | 'disabled';
  is_super_admin: Flag;
  password_hash: string | null;
  password_changed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DevicesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  sip_username: string;
  label: string;
  ha1_md5: string;
  ha1_sha256: string;
  created_at: number;
  secret_rotated_at: number;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  is_admin: Flag;
  /** JSON text: string[]. */
  permissions: string;
  created_at: number;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  user_id: string;
}

export interface TenantSettingsTable {
  tenant_id: string;
  key: string;
  /** JSON text. */
  value: string;
  updated_at: number;
}

export interface UserPresenceTable {
  user_id: string;
  tenant_id: string;
  status: 'available' | 'away' | 'busy';
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  tenant_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  remote_address: string | null;
  remote_port: number | null;
  outcome: 'success' | 'failure' | 'denied';
  /** JSON text: an object. */
  detail: string;
}

export interface ApiTokensTable {
  id: string;
  tenant_id: string;
  name: string;
  token_hash: string;
  /** JSON text: string[]. */
  scopes: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SetupTokensTable {
  id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RegistrationsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  device_id: string;
  aor: string;
  contact_uri: string;
  contact_header: string;
  instance_id: string | null;
  reg_id: number | null;
  q: number | null;
  call_id: string;
  cseq: number;
  /** JSON array of strings. */
  path: string;
  transport: string;
  source_address: string;
  source_port: number;
  user_agent: string;
  expires_at: number;
  registered_at: number;
  updated_at: number;
}

export interface WebSessionsTable {
  id: string;
  token_hash: string;
  csrf_hash: string;
  tenant_id: string;
  user_id: string;
  kind: 'console' | 'app';
  stage: 'location' | 'mfa' | 'active';
  must_enrol_mfa: Flag;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  idle_timeout_ms: number;
  authenticated_at: number;
  remote_address: string;
  user_agent: string;
  revoked_at: number | null;
  revoke_reason: string | null;
}

export interface LoginThrottleTable {
  account_key: string;
  address: string;
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
}

export interface MfaFactorsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  kind: 'totp' | 'passkey' | 'recovery';
  label: string;
  secret: string;
  credential_id: string | null;
  counter: number;
  last_step: number | null;
  confirmed: Flag;
  created_at: number;
  last_used_at: number | null;
}

export interface OneTimeCodesTable {
  id: string;
  purpose: 'email-code' | 'sms-code' | 'unlock' | 'location' | 'password-reset';
  tenant_id: string;
  user_id: string;
  code_hash: string;
  bound_to: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  attempts: number;
}

export interface KnownNetworksTable {
  user_id: string;
  prefix: string;
  first_seen_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface IpBansTable {
  address: string;
  rule: string;
  origin: 'detector' | 'manual';
  offence: number;
  reason: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  lifted_at: number | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface SsoProvidersTable {
  id: string;
  tenant_id: string;
  kind: 'oidc' | 'ldap';
  name: string;
  enabled: Flag;
  /** JSON text of the provider configuration (no secrets). */
  config: string;
  sealed_secret: string | null;
  created_at: number;
  updated_at: number;
}

export interface SsoIdentitiesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  email: string | null;
  linked_at: number;
  last_login_at: number | null;
}

export interface SsoUserFlagsTable {
  user_id: string;
  tenant_id: string;
  sso_only: Flag;
  updated_at: number;
}

export interface SsoTenantPoliciesTable {
  tenant_id: string;
  break_glass_local_admin: Flag;
  updated_at: number;
}

export interface SsoSyncRunsTable {
  id: string;
  tenant_id: string;
  provider_id: string;
  dry_run: Flag;
  started_at: number;
  finished_at: number;
  outcome: 'success' | 'failure';
  /** JSON text of the report. */
  report: string;
}

export interface CdrsTable {
  id: string;
  tenant_id: string;
  call_id: string;
  caller_user_id: string;
  caller_device_id: string;
  caller: string;
  callee: string;
  callee_user_id: string | null;
  callee_device_id: string | null;
  call_class: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_seconds: number;
  disposition: string;
  hangup_cause: string | null;
  cause_side: string | null;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  devices: DevicesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  tenant_settings: TenantSettingsTable;
  user_presence: UserPresenceTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokensTable;
  setup_tokens: SetupTokensTable;
  registrations: RegistrationsTable;
  credentials_generation: CredentialsGenerationTable;
  cdrs: CdrsTable;
  schema_migrations: SchemaMigrationsTable;
  web_sessions: WebSessionsTable;
  login_throttle: LoginThrottleTable;
  mfa_factors: MfaFactorsTable;
  one_time_codes: OneTimeCodesTable;
  known_networks: KnownNetworksTable;
  sso_providers: SsoProvidersTable;
  sso_identities: SsoIdentitiesTable;
  sso_user_flags: SsoUserFlagsTable;
  sso_tenant_policies: SsoTenantPoliciesTable;
  sso_sync_runs: SsoSyncRunsTable;
  ip_bans: IpBansTable;
}
