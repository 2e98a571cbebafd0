/**
 * Single sign-on (PRODUCT §C6): identity providers per tenant, identities
 * linked to accounts by (tenant, issuer, subject), "SSO only" per user, the
 * tenant's break-glass rule, and the record of directory sync runs.
 *
 * Provider secrets are stored sealed (AES-256-GCM by the security core);
 * the database never sees them in clear.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { flagCheck, flagType, lengthBetween } from './ddl-helpers.ts';
import type { Migration, SqlDialect } from './migration.ts';

const ID = 'varchar(36)';

async function createProviders(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('sso_providers')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(8)', (c) => c.notNull().check(sql`kind in ('oidc', 'ldap')`))
    .addColumn('name', 'varchar(100)', (c) => c.notNull().check(lengthBetween('name', 1, 100)))
    .addColumn('enabled', flagType(dialect), (c) =>
      c.notNull().defaultTo(true).check(flagCheck(dialect, 'enabled')),
    )
    .addColumn('config', 'varchar(32768)', (c) =>
      c.notNull().check(lengthBetween('config', 2, 32768)),
    )
    .addColumn('sealed_secret', 'varchar(4096)', (c) =>
      c.check(lengthBetween('sealed_secret', 1, 4096)),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sso_providers_tenant_id_id_key', ['tenant_id', 'id'])
    .addUniqueConstraint('sso_providers_tenant_name_key', ['tenant_id', 'name'])
    .execute();
}

async function createIdentities(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sso_identities')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull())
    .addColumn('user_id', ID, (c) => c.notNull())
    .addColumn('provider_id', ID, (c) => c.notNull())
    .addColumn('issuer', 'varchar(512)', (c) => c.notNull().check(lengthBetween('issuer', 1, 512)))
    .addColumn('subject', 'varchar(255)', (c) =>
      c.notNull().check(lengthBetween('subject', 1, 255)),
    )
    .addColumn('email', 'varchar(254)', (c) => c.check(lengthBetween('email', 1, 254)))
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .addForeignKeyConstraint(
      'sso_identities_user_fkey',
      ['tenant_id', 'user_id'],
      'users',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'sso_identities_provider_fkey',
      ['tenant_id', 'provider_id'],
      'sso_providers',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addUniqueConstraint('sso_identities_subject_key', ['tenant_id', 'issuer', 'subject'])
    .execute();
  await db.schema
    .createIndex('sso_identities_user_idx')
    .on('sso_identities')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('sso_identities_provider_idx')
    .on('sso_identities')
    .column('provider_id')
    .execute();
}

async function createPolicies(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('sso_user_flags')
    .addColumn('user_id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull())
    .addColumn('sso_only', flagType(dialect), (c) =>
      c.notNull().check(flagCheck(dialect, 'sso_only')),
    )
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'sso_user_flags_user_fkey',
      ['tenant_id', 'user_id'],
      'users',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('sso_tenant_policies')
    .addColumn('tenant_id', ID, (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('break_glass_local_admin', flagType(dialect), (c) =>
      c.notNull().check(flagCheck(dialect, 'break_glass_local_admin')),
    )
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function createSyncRuns(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('sso_sync_runs')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull())
    .addColumn('provider_id', ID, (c) => c.notNull())
    .addColumn('dry_run', flagType(dialect), (c) =>
      c.notNull().check(flagCheck(dialect, 'dry_run')),
    )
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) =>
      c.notNull().check(sql`outcome in ('success', 'failure')`),
    )
    // Large directories give long reports; the cap keeps one row bounded.
    .addColumn('report', 'text', (c) => c.notNull().check(lengthBetween('report', 2, 4_000_000)))
    .addForeignKeyConstraint(
      'sso_sync_runs_provider_fkey',
      ['tenant_id', 'provider_id'],
      'sso_providers',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('sso_sync_runs_provider_idx')
    .on('sso_sync_runs')
    .columns(['provider_id', 'started_at'])
    .execute();
}

export const ssoMigration: Migration = {
  version: 4,
  name: 'sso',
  async up(db, dialect) {
    await createProviders(db, dialect);
    await createIdentities(db);
    await createPolicies(db, dialect);
    await createSyncRuns(db, dialect);
  },
};
