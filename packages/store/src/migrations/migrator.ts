/**
 * Runs pending migrations at start. The applied versions live in
 * `schema_migrations`; each pending migration runs in its own transaction
 * together with the row recording it, so a failure leaves the schema at the
 * previous version. Concurrent starters (server and CLI) serialise on a lock:
 * a transaction-scoped advisory lock on PostgreSQL, the write lock that
 * BEGIN IMMEDIATE takes on SQLite. Forward only: there are no down migrations.
 */
import { PalisadeError } from '@palisade/common';
import type { Clock, Logger } from '@palisade/common';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema/database.ts';
import type { Migration, SqlDialect } from './migration.ts';

/** Arbitrary constant naming Palisade's migration lock among PostgreSQL advisory locks. */
const PG_MIGRATION_LOCK = 0x70616c69;

export interface MigrationReport {
  /** Versions applied by this run, in order. */
  readonly applied: number[];
  /** The schema version after the run. */
  readonly version: number;
}

export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

async function lock(trx: Transaction<Database>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${sql.lit(PG_MIGRATION_LOCK)})`.execute(trx);
}

async function appliedVersions(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db.selectFrom('schema_migrations').select('version').execute();
  return new Set(rows.map((r) => Number(r.version)));
}

export async function migrate(
  db: Kysely<Database>,
  dialect: SqlDialect,
  list: readonly Migration[],
  clock: Clock,
  logger: Logger,
): Promise<MigrationReport> {
  checkMigrationList(list);
  await db.transaction().execute(async (trx) => {
    await lock(trx, dialect);
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
  });

  const newest = Math.max(0, ...(await appliedVersions(db)));
  if (newest > list.length)
    throw new PalisadeError(
      'storage_failed',
      `the database schema is at version ${newest}, newer than this Palisade knows (${list.length}); upgrade Palisade`,
    );

  const applied: number[] = [];
  for (const m of list) {
    const ran = await db.transaction().execute(async (trx) => {
      await lock(trx, dialect);
      // Re-read under the lock: another process may have applied it meanwhile.
      if ((await appliedVersions(trx)).has(m.version)) return false;
      await m.up(trx as unknown as Kysely<unknown>, dialect);
      await trx
        .insertInto('schema_migrations')
        .values({ version: m.version, name: m.name, applied_at: clock.now() })
        .execute();
      return true;
    });
    if (!ran) continue;
    applied.push(m.version);
    logger.info('storage migration applied', { version: m.version, name: m.name });
  }
  return { applied, version: list.length };
}
