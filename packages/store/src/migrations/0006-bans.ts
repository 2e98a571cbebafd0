/**
 * Intrusion prevention (issue 7): banned source addresses, one row per
 * address, shared by every node through the store. Rows outlive their ban
 * (expired or lifted) so a repeat offender's next ban is longer; the server
 * purges rows that ended long ago.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { lengthBetween } from './ddl-helpers.ts';
import type { Migration } from './migration.ts';

export const bansMigration: Migration = {
  version: 6,
  name: 'bans',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ip_bans')
      // an IPv6 address is at most 39 characters, an IPv4-mapped one 45
      .addColumn('address', 'varchar(45)', (c) =>
        c.primaryKey().check(lengthBetween('address', 2, 45)),
      )
      .addColumn('rule', 'varchar(32)', (c) => c.notNull().check(lengthBetween('rule', 1, 32)))
      .addColumn('origin', 'varchar(16)', (c) =>
        c.notNull().check(sql`origin in ('detector', 'manual')`),
      )
      .addColumn('offence', 'integer', (c) => c.notNull().check(sql`offence >= 1`))
      .addColumn('reason', 'varchar(200)', (c) =>
        c.notNull().check(lengthBetween('reason', 0, 200)),
      )
      .addColumn('created_by', 'varchar(64)', (c) =>
        c.notNull().check(lengthBetween('created_by', 1, 64)),
      )
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('lifted_at', 'bigint')
      .execute();
    await db.schema.createIndex('ip_bans_expires_idx').on('ip_bans').column('expires_at').execute();
  },
};
