/**
 * Call detail records (issue 4, PRODUCT §A7). A row is written when a call
 * starts (`in_progress`) and its outcome when it ends, each committed on
 * its own; a restart marks rows still in progress `interrupted`. No
 * foreign keys to users or devices: a CDR outlives them (retention decides
 * when it goes), only the tenant's deletion takes its CDRs along.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { lengthBetween } from './ddl-helpers.ts';
import type { Migration } from './migration.ts';

const ID = 'varchar(36)';

export const callsMigration: Migration = {
  version: 5,
  name: 'calls',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cdrs')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('tenant_id', ID, (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('call_id', 'varchar(256)', (c) =>
        c.notNull().check(lengthBetween('call_id', 1, 256)),
      )
      .addColumn('caller_user_id', ID, (c) => c.notNull())
      .addColumn('caller_device_id', ID, (c) => c.notNull())
      .addColumn('caller', 'varchar(64)', (c) => c.notNull().check(lengthBetween('caller', 0, 64)))
      .addColumn('callee', 'varchar(64)', (c) => c.notNull().check(lengthBetween('callee', 0, 64)))
      .addColumn('callee_user_id', ID)
      .addColumn('callee_device_id', ID)
      .addColumn('call_class', 'varchar(16)', (c) =>
        c
          .notNull()
          .check(sql`call_class in ('internal', 'national', 'international', 'emergency')`),
      )
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('answered_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .addColumn('duration_seconds', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`duration_seconds >= 0`),
      )
      .addColumn('disposition', 'varchar(16)', (c) =>
        c
          .notNull()
          .check(
            sql`disposition in ('in_progress', 'answered', 'busy', 'no_answer', 'failed', 'cancelled', 'interrupted')`,
          ),
      )
      .addColumn('hangup_cause', 'varchar(64)', (c) =>
        c.check(lengthBetween('hangup_cause', 1, 64)),
      )
      .addColumn('cause_side', 'varchar(8)', (c) =>
        c.check(sql`cause_side in ('caller', 'callee', 'system')`),
      )
      .execute();
    await db.schema
      .createIndex('cdrs_tenant_started_idx')
      .on('cdrs')
      .columns(['tenant_id', 'started_at'])
      .execute();
    await db.schema.createIndex('cdrs_disposition_idx').on('cdrs').column('disposition').execute();
  },
};
