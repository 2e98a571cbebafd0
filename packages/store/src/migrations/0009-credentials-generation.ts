/**
 * Credentials generation: one counter that goes up whenever a row a SIP
 * digest check reads changes: any update or deletion of a device, a user
 * or a tenant (HA1 values, state, SIP domain, and the names the SIP side
 * shows). Triggers keep it, so every writer counts: this process, the CLI,
 * another node, an operator's SQL. The SIP side caches devices and users
 * in memory (pbx directory-cache.ts) and clears the cache when the counter
 * moves; changes made by this process clear it at once without waiting.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration, SqlDialect } from './migration.ts';

const WATCHED = ['devices', 'users', 'tenants'] as const;

const BUMP = 'update credentials_generation set generation = generation + 1 where id = 1';

async function triggers(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql
      .raw(
        `create function palisade_credentials_changed() returns trigger language plpgsql as $$ begin ${BUMP}; return null; end $$`,
      )
      .execute(db);
    for (const table of WATCHED)
      await sql
        .raw(
          `create trigger ${table}_credentials_changed after update or delete on ${table} for each statement execute procedure palisade_credentials_changed()`,
        )
        .execute(db);
    return;
  }
  for (const table of WATCHED) {
    await sql
      .raw(
        `create trigger ${table}_credentials_updated after update on ${table} begin ${BUMP}; end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_credentials_deleted after delete on ${table} begin ${BUMP}; end`,
      )
      .execute(db);
  }
}

export const credentialsGenerationMigration: Migration = {
  version: 9,
  name: 'credentials-generation',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    await db.schema
      .createTable('credentials_generation')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('generation', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into credentials_generation (id, generation) values (1, 0)`.execute(db);
    await triggers(db, dialect);
  },
};
