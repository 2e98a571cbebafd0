/**
 * Data model v1: tenants, users, devices, groups with membership, tenant
 * settings, the append-only audit log, API tokens and setup tokens.
 *
 * Cross-tenant references are impossible by construction: devices and
 * memberships carry the tenant id and reference (tenant_id, id) of their
 * user and group, so a row can never point into another tenant.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { flagCheck, flagType, lengthBetween, onlyChars } from './ddl-helpers.ts';
import type { Migration, SqlDialect } from './migration.ts';

const ID = 'varchar(36)';
const HEX = '0-9a-f';
const USERNAME_CHARS = 'a-z0-9._@+-';

async function createTenants(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull().check(lengthBetween('name', 1, 100)))
    .addColumn('sip_domain', 'varchar(253)', (c) =>
      c
        .notNull()
        .check(sql`length(sip_domain) between 1 and 253 and sip_domain = lower(sip_domain)`),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('tenants_name_key', ['name'])
    .addUniqueConstraint('tenants_sip_domain_key', ['sip_domain'])
    .execute();
}

async function createUsers(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('username', 'varchar(128)', (c) =>
      c
        .notNull()
        .check(
          sql`${lengthBetween('username', 1, 128)} and ${onlyChars(dialect, 'username', USERNAME_CHARS)}`,
        ),
    )
    .addColumn('extension', 'varchar(32)', (c) =>
      c
        .notNull()
        .check(
          sql`${lengthBetween('extension', 1, 32)} and ${onlyChars(dialect, 'extension', '0-9')}`,
        ),
    )
    .addColumn('display_name', 'varchar(200)', (c) =>
      c.notNull().check(lengthBetween('display_name', 1, 200)),
    )
    .addColumn('email', 'varchar(254)', (c) => c.check(lengthBetween('email', 3, 254)))
    .addColumn('mobile', 'varchar(32)', (c) => c.check(lengthBetween('mobile', 1, 32)))
    .addColumn('state', 'varchar(16)', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`state in ('active', 'disabled')`),
    )
    .addColumn('is_super_admin', flagType(dialect), (c) =>
      c.notNull().defaultTo(false).check(flagCheck(dialect, 'is_super_admin')),
    )
    .addColumn('password_hash', 'varchar(512)', (c) =>
      c.check(lengthBetween('password_hash', 1, 512)),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('users_tenant_id_id_key', ['tenant_id', 'id'])
    .addUniqueConstraint('users_tenant_username_key', ['tenant_id', 'username'])
    .addUniqueConstraint('users_tenant_extension_key', ['tenant_id', 'extension'])
    .execute();
  // At most one super-admin in the whole installation (PRODUCT §C1).
  await db.schema
    .createIndex('users_one_super_admin')
    .on('users')
    .column('is_super_admin')
    .unique()
    .where(sql<boolean>`is_super_admin = true`)
    .execute();
}

async function createDevices(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const hex = (column: string, length: number) =>
    sql`length(${sql.ref(column)}) = ${sql.lit(length)} and ${onlyChars(dialect, column, HEX)}`;
  await db.schema
    .createTable('devices')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull())
    .addColumn('user_id', ID, (c) => c.notNull())
    .addColumn('sip_username', 'varchar(64)', (c) =>
      c.notNull().check(lengthBetween('sip_username', 1, 64)),
    )
    .addColumn('label', 'varchar(100)', (c) => c.notNull().check(lengthBetween('label', 0, 100)))
    .addColumn('ha1_md5', 'varchar(32)', (c) => c.notNull().check(hex('ha1_md5', 32)))
    .addColumn('ha1_sha256', 'varchar(64)', (c) => c.notNull().check(hex('ha1_sha256', 64)))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'devices_user_fkey',
      ['tenant_id', 'user_id'],
      'users',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    // Also the index of the lookup every SIP REGISTER makes.
    .addUniqueConstraint('devices_tenant_sip_username_key', ['tenant_id', 'sip_username'])
    .execute();
  await db.schema.createIndex('devices_user_id_idx').on('devices').column('user_id').execute();
}

async function createGroups(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('groups')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull().check(lengthBetween('name', 1, 100)))
    .addColumn('description', 'varchar(1000)', (c) =>
      c
        .notNull()
        .defaultTo('')
        .check(lengthBetween('description', 0, 1000)),
    )
    .addColumn('is_admin', flagType(dialect), (c) =>
      c.notNull().defaultTo(false).check(flagCheck(dialect, 'is_admin')),
    )
    .addColumn('permissions', 'varchar(16384)', (c) =>
      c
        .notNull()
        .defaultTo('[]')
        .check(lengthBetween('permissions', 2, 16384)),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('groups_tenant_id_id_key', ['tenant_id', 'id'])
    .addUniqueConstraint('groups_tenant_name_key', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('tenant_id', ID, (c) => c.notNull())
    .addColumn('group_id', ID, (c) => c.notNull())
    .addColumn('user_id', ID, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pkey', ['group_id', 'user_id'])
    .addForeignKeyConstraint(
      'group_members_group_fkey',
      ['tenant_id', 'group_id'],
      'groups',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'group_members_user_fkey',
      ['tenant_id', 'user_id'],
      'users',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('group_members_user_id_idx')
    .on('group_members')
    .column('user_id')
    .execute();
}

async function createTenantSettings(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenant_settings')
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key', 'varchar(128)', (c) => c.notNull().check(lengthBetween('key', 1, 128)))
    .addColumn('value', 'varchar(65536)', (c) =>
      c.notNull().check(lengthBetween('value', 1, 65536)),
    )
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('tenant_settings_pkey', ['tenant_id', 'key'])
    .execute();
}

async function createAuditLog(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
      dialect === 'postgres'
        ? c.primaryKey().generatedAlwaysAsIdentity()
        : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'bigint', (c) => c.notNull())
    // No foreign key: the trail outlives the tenants it mentions.
    .addColumn('tenant_id', ID)
    .addColumn('actor', 'varchar(128)', (c) => c.notNull().check(lengthBetween('actor', 1, 128)))
    .addColumn('action', 'varchar(128)', (c) =>
      c
        .notNull()
        .check(
          sql`${lengthBetween('action', 1, 128)} and ${onlyChars(dialect, 'action', 'a-z0-9_.-')}`,
        ),
    )
    .addColumn('target', 'varchar(256)', (c) => c.check(lengthBetween('target', 0, 256)))
    .addColumn('remote_address', 'varchar(64)', (c) =>
      c.check(lengthBetween('remote_address', 1, 64)),
    )
    .addColumn('remote_port', 'integer', (c) => c.check(sql`remote_port between 0 and 65535`))
    .addColumn('outcome', 'varchar(16)', (c) =>
      c.notNull().check(sql`outcome in ('success', 'failure', 'denied')`),
    )
    .addColumn('detail', 'varchar(16384)', (c) =>
      c
        .notNull()
        .defaultTo('{}')
        .check(lengthBetween('detail', 2, 16384)),
    )
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema
    .createIndex('audit_log_tenant_idx')
    .on('audit_log')
    .columns(['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_actor_idx')
    .on('audit_log')
    .columns(['actor', 'id'])
    .execute();
  await refuseAuditChanges(db, dialect);
}

/** Append-only in the database itself: UPDATE and DELETE (and TRUNCATE) fail. */
async function refuseAuditChanges(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['update', 'delete'] as const) {
      await sql`create trigger ${sql.id(`audit_log_no_${op}`)} before ${sql.raw(op)} on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    }
    return;
  }
  await sql`create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using errcode = 'P0001';
    end
  $$`.execute(db);
  await sql`create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_refuse_change()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_refuse_change()`.execute(db);
}

async function createTokens(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull().check(lengthBetween('name', 1, 100)))
    .addColumn('token_hash', 'varchar(128)', (c) =>
      c.notNull().check(lengthBetween('token_hash', 16, 128)),
    )
    .addColumn('scopes', 'varchar(8192)', (c) =>
      c.notNull().check(lengthBetween('scopes', 2, 8192)),
    )
    .addColumn('created_by', 'varchar(128)', (c) =>
      c.notNull().check(lengthBetween('created_by', 1, 128)),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addUniqueConstraint('api_tokens_token_hash_key', ['token_hash'])
    .execute();
  await db.schema
    .createIndex('api_tokens_tenant_idx')
    .on('api_tokens')
    .column('tenant_id')
    .execute();

  await db.schema
    .createTable('setup_tokens')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(128)', (c) =>
      c.notNull().check(lengthBetween('token_hash', 16, 128)),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addUniqueConstraint('setup_tokens_token_hash_key', ['token_hash'])
    .execute();
}

export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  async up(db, dialect) {
    await createTenants(db);
    await createUsers(db, dialect);
    await createDevices(db, dialect);
    await createGroups(db, dialect);
    await createTenantSettings(db);
    await createAuditLog(db, dialect);
    await createTokens(db);
  },
};
