/**
 * Turns constraint violations from either database into PalisadeErrors that
 * name the offending field, so callers never parse driver messages. Other
 * errors (connection loss, bugs) pass through unchanged.
 */
import { PalisadeError } from '@palisade/common';

/** Unique constraints: PostgreSQL constraint name, SQLite column list, port field. */
const UNIQUE: readonly (readonly [string, string, string])[] = [
  ['tenants_name_key', 'tenants.name', 'name'],
  ['tenants_sip_domain_key', 'tenants.sip_domain', 'sipDomain'],
  ['users_tenant_username_key', 'users.tenant_id, users.username', 'username'],
  ['users_tenant_extension_key', 'users.tenant_id, users.extension', 'extension'],
  ['users_one_super_admin', 'users.is_super_admin', 'isSuperAdmin'],
  ['devices_tenant_sip_username_key', 'devices.tenant_id, devices.sip_username', 'sipUsername'],
  ['groups_tenant_name_key', 'groups.tenant_id, groups.name', 'name'],
  ['api_tokens_token_hash_key', 'api_tokens.token_hash', 'tokenHash'],
  ['setup_tokens_token_hash_key', 'setup_tokens.token_hash', 'tokenHash'],
  ['web_sessions_token_hash_key', 'web_sessions.token_hash', 'tokenHash'],
  ['mfa_factors_credential_id_key', 'mfa_factors.credential_id', 'credentialId'],
  ['sso_providers_tenant_name_key', 'sso_providers.tenant_id, sso_providers.name', 'name'],
  [
    'sso_identities_subject_key',
    'sso_identities.tenant_id, sso_identities.issuer, sso_identities.subject',
    'subject',
  ],
];

/** Foreign keys PostgreSQL names; SQLite does not say which one failed. */
const FOREIGN: Readonly<Record<string, string>> = {
  devices_user_fkey: 'userId',
  group_members_group_fkey: 'groupId',
  group_members_user_fkey: 'userId',
  sso_identities_user_fkey: 'userId',
  sso_identities_provider_fkey: 'providerId',
  sso_user_flags_user_fkey: 'userId',
  sso_sync_runs_provider_fkey: 'providerId',
  user_presence_user_fkey: 'userId',
};

interface DriverError {
  readonly code?: unknown;
  readonly constraint?: unknown;
  readonly message?: unknown;
}

function asDriverError(err: unknown): DriverError | null {
  return typeof err === 'object' && err !== null ? err : null;
}

function uniqueField(e: DriverError): string {
  const constraint = typeof e.constraint === 'string' ? e.constraint : '';
  const message = typeof e.message === 'string' ? e.message : '';
  for (const [name, columns, field] of UNIQUE) {
    if (constraint === name || message.endsWith(`failed: ${columns}`)) return field;
  }
  return 'id';
}

export interface ConstraintHints {
  /** The field to name when a foreign key fails and the database does not say which. */
  readonly foreignKeyField?: string;
}

/** Maps a constraint violation to a PalisadeError; returns anything else unchanged. */
export function translateConstraintError(err: unknown, hints: ConstraintHints = {}): unknown {
  const e = asDriverError(err);
  if (!e) return err;
  switch (e.code) {
    case '23505':
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY': {
      const field = uniqueField(e);
      return new PalisadeError('conflict', `${field} is already taken`, {
        details: { field },
        cause: err,
      });
    }
    case '23503':
    case 'SQLITE_CONSTRAINT_FOREIGNKEY': {
      const named = typeof e.constraint === 'string' ? FOREIGN[e.constraint] : undefined;
      const field = named ?? hints.foreignKeyField ?? 'reference';
      return new PalisadeError('not_found', `${field} does not refer to an existing record`, {
        details: { field },
        cause: err,
      });
    }
    case '23514': // check_violation
    case '23502': // not_null_violation
    case '22001': // string_data_right_truncation: longer than the VARCHAR
    case '22003': // numeric_value_out_of_range
    case 'SQLITE_CONSTRAINT_CHECK':
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return new PalisadeError('validation_failed', 'a value is not acceptable for storage', {
        cause: err,
      });
    default:
      return err;
  }
}

/** Runs a write and translates constraint violations. */
export async function guarded<T>(op: () => Promise<T>, hints?: ConstraintHints): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw translateConstraintError(err, hints);
  }
}
