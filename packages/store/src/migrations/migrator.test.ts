import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FakeClock, nullLogger } from '@palisade/common';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openDatabase } from '../open-store.ts';
import type { StoreConfig } from '../open-store.ts';
import type { Database } from '../schema/database.ts';
import { palisadeError } from '../testing/assertions.ts';
import { contract, executeRaw } from '../testing/contract-harness.ts';
import { makeTenant } from '../testing/fixtures.ts';
import { migrations } from './index.ts';
import type { Migration } from './migration.ts';
import { checkMigrationList, migrate } from './migrator.ts';
import type { MigrationReport } from './migrator.ts';

const execFileAsync = promisify(execFile);

const clock = new FakeClock();

async function withDb<T>(config: StoreConfig, fn: (db: Kysely<Database>) => Promise<T>) {
  const { db } = openDatabase(config, nullLogger);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

function createTable(version: number, table: string, fail = false): Migration {
  return {
    version,
    name: `create ${table}`,
    async up(db) {
      await db.schema.createTable(table).addColumn('id', 'integer').execute();
      await sql`insert into ${sql.table(table)} (id) values (1)`.execute(db);
      if (fail) throw new Error(`migration ${version} fails`);
    },
  };
}

async function versions(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom('schema_migrations')
    .select('version')
    .orderBy('version')
    .execute();
  return rows.map((r) => r.version);
}

async function tableExists(db: Kysely<Database>, table: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === table);
}

contract('migrations', (it) => {
  it('run at most once: a second run, here or from another store, applies nothing', async ({
    store,
    openAnother,
  }) => {
    const t = await makeTenant(store);
    assert.deepEqual(await store.migrate(), { applied: [], version: migrations.length });
    const other = await openAnother();
    assert.deepEqual(await other.migrate(), { applied: [], version: migrations.length });
    assert.deepEqual(await other.tenants.findById(t.id), t);
  });

  it('apply each version exactly once when two processes start on a fresh database', async ({
    freshDatabase,
  }) => {
    const config = await freshDatabase();
    const child = fileURLToPath(new URL('../testing/migrate-child.ts', import.meta.url));
    const run = async () => {
      const { stdout } = await execFileAsync(process.execPath, [child, JSON.stringify(config)], {
        timeout: 60_000,
      });
      return JSON.parse(stdout) as MigrationReport;
    };
    const [ra, rb] = await Promise.all([run(), run()]);
    assert.deepEqual(
      [...ra.applied, ...rb.applied].sort(),
      migrations.map((m) => m.version),
    );
    await withDb(config, async (db) => {
      assert.deepEqual(
        await versions(db),
        migrations.map((m) => m.version),
      );
    });
  });

  it('roll back a failing migration whole, keep the earlier ones, resume after a fix', async ({
    freshDatabase,
    dialect,
  }) => {
    const config = await freshDatabase();
    await withDb(config, async (db) => {
      const broken = [createTable(1, 'first'), createTable(2, 'second', true)];
      await assert.rejects(migrate(db, dialect, broken, clock, nullLogger), /migration 2 fails/);
      assert.deepEqual(await versions(db), [1]);
      assert.equal(await tableExists(db, 'first'), true);
      assert.equal(await tableExists(db, 'second'), false);
      const fixed = [createTable(1, 'first'), createTable(2, 'second')];
      assert.deepEqual(await migrate(db, dialect, fixed, clock, nullLogger), {
        applied: [2],
        version: 2,
      });
      assert.equal(await tableExists(db, 'second'), true);
    });
  });

  it('refuse a database whose schema is newer than this build', async ({ store, config }) => {
    await executeRaw(
      config,
      `insert into schema_migrations (version, name, applied_at) values (${migrations.length + 1}, 'future', 0)`,
    );
    await assert.rejects(store.migrate(), palisadeError('storage_failed'));
  });
});

test('a migration list must number its versions 1, 2, 3, …', () => {
  assert.doesNotThrow(() => checkMigrationList(migrations));
  assert.throws(() => checkMigrationList([createTable(1, 'a'), createTable(3, 'b')]), /expected 2/);
  assert.throws(() => checkMigrationList([createTable(2, 'a')]), /expected 1/);
});
