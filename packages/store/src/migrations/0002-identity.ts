/**
 * Identity (issue 5): web sessions, failed-login counters, second factors,
 * single-use codes and links, and the networks each user logged in from.
 * Secrets are stored as hashes only (TOTP secrets excepted: they must be
 * readable to check a code).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { flagCheck, flagType, lengthBetween } from './ddl-helpers.ts';
import type { Migration, SqlDialect } from './migration.ts';

const ID = 'varchar(36)';

async function createWebSessions(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) =>
      c.notNull().check(lengthBetween('token_hash', 64, 64)),
    )
    .addColumn('csrf_hash', 'varchar(64)', (c) =>
      c.notNull().check(lengthBetween('csrf_hash', 64, 64)),
    )
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', ID, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull().check(sql`kind in ('console', 'app')`))
    .addColumn('stage', 'varchar(16)', (c) =>
      c.notNull().check(sql`stage in ('location', 'mfa', 'active')`),
    )
    .addColumn('must_enrol_mfa', flagType(dialect), (c) =>
      c.notNull().check(flagCheck(dialect, 'must_enrol_mfa')),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('idle_timeout_ms', 'bigint', (c) => c.notNull())
    .addColumn('authenticated_at', 'bigint', (c) => c.notNull())
    .addColumn('remote_address', 'varchar(64)', (c) =>
      c.notNull().check(lengthBetween('remote_address', 0, 64)),
    )
    .addColumn('user_agent', 'varchar(256)', (c) =>
      c.notNull().check(lengthBetween('user_agent', 0, 256)),
    )
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoke_reason', 'varchar(64)', (c) =>
      c.check(lengthBetween('revoke_reason', 1, 64)),
    )
    .addUniqueConstraint('web_sessions_token_hash_key', ['token_hash'])
    .execute();
  await db.schema
    .createIndex('web_sessions_user_idx')
    .on('web_sessions')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('web_sessions_tenant_idx')
    .on('web_sessions')
    .column('tenant_id')
    .execute();
}

async function createLoginThrottle(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('account_key', 'varchar(300)', (c) =>
      c.notNull().check(lengthBetween('account_key', 1, 300)),
    )
    .addColumn('address', 'varchar(64)', (c) => c.notNull().check(lengthBetween('address', 1, 64)))
    .addColumn('failures', 'integer', (c) => c.notNull().check(sql`failures >= 0`))
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addPrimaryKeyConstraint('login_throttle_pkey', ['account_key', 'address'])
    .execute();
}

async function createMfaFactors(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', ID, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) =>
      c.notNull().check(sql`kind in ('totp', 'passkey', 'recovery')`),
    )
    .addColumn('label', 'varchar(100)', (c) => c.notNull().check(lengthBetween('label', 0, 100)))
    .addColumn('secret', 'varchar(2048)', (c) =>
      c.notNull().check(lengthBetween('secret', 1, 2048)),
    )
    .addColumn('credential_id', 'varchar(1024)', (c) =>
      c.check(lengthBetween('credential_id', 1, 1024)),
    )
    .addColumn('counter', 'bigint', (c) => c.notNull().check(sql`counter >= 0`))
    .addColumn('last_step', 'bigint')
    .addColumn('confirmed', flagType(dialect), (c) =>
      c.notNull().check(flagCheck(dialect, 'confirmed')),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addUniqueConstraint('mfa_factors_credential_id_key', ['credential_id'])
    .execute();
  await db.schema.createIndex('mfa_factors_user_idx').on('mfa_factors').column('user_id').execute();
}

async function createOneTimeCodes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('one_time_codes')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(32)', (c) =>
      c
        .notNull()
        .check(sql`purpose in ('email-code', 'sms-code', 'unlock', 'location', 'password-reset')`),
    )
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', ID, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'varchar(64)', (c) =>
      c.notNull().check(lengthBetween('code_hash', 64, 64)),
    )
    .addColumn('bound_to', ID)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().check(sql`attempts >= 0`))
    .execute();
  await db.schema
    .createIndex('one_time_codes_hash_idx')
    .on('one_time_codes')
    .columns(['purpose', 'code_hash'])
    .execute();
  await db.schema
    .createIndex('one_time_codes_bound_idx')
    .on('one_time_codes')
    .columns(['purpose', 'bound_to'])
    .execute();
  await db.schema
    .createIndex('one_time_codes_user_idx')
    .on('one_time_codes')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('one_time_codes_tenant_idx')
    .on('one_time_codes')
    .columns(['tenant_id', 'created_at'])
    .execute();
}

async function createKnownNetworks(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('known_networks')
    .addColumn('user_id', ID, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('prefix', 'varchar(64)', (c) => c.notNull().check(lengthBetween('prefix', 1, 64)))
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('known_networks_pkey', ['user_id', 'prefix'])
    .execute();
}

export const identityMigration: Migration = {
  version: 2,
  name: 'identity',
  async up(db, dialect) {
    await createWebSessions(db, dialect);
    await createLoginThrottle(db);
    await createMfaFactors(db, dialect);
    await createOneTimeCodes(db);
    await createKnownNetworks(db);
  },
};
