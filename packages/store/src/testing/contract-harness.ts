/**
 * The contract suite's harness: every repository test runs once against
 * SQLite (a temporary file) and once against PostgreSQL (a fresh schema of
 * the database at PALISADE_TEST_PG_URL, dropped afterwards). When PostgreSQL
 * does not answer, its half is skipped and the reason printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FakeClock } from '@palisade/common';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../open-store.ts';
import type { StoreConfig } from '../open-store.ts';
import type { SqlDialect } from '../migrations/migration.ts';
import type { Store } from '../store.ts';

const PG_URL = process.env['PALISADE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ContractContext {
  /** Migrated, empty, on its own database. */
  readonly store: Store;
  readonly clock: FakeClock;
  readonly dialect: SqlDialect;
  readonly config: StoreConfig;
  /** Another store on the same database (closed at the end of the test). */
  readonly openAnother: () => Promise<Store>;
  /** Another empty, unmigrated database of the same dialect (dropped at the end of the test). */
  readonly freshDatabase: () => Promise<StoreConfig>;
}

interface Database {
  readonly config: StoreConfig;
  dispose(): Promise<void>;
}

/** Where the server lives, without credentials, for messages. */
function describePg(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PALISADE_TEST_PG_URL';
  }
}

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return `PostgreSQL at ${describePg(PG_URL)} did not answer (${why}); set PALISADE_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgSkipReason = await probePostgres();
if (pgSkipReason) {
  // CI sets PALISADE_TEST_PG_REQUIRED=1: there a missing PostgreSQL is a failure, not a skip.
  if (process.env['PALISADE_TEST_PG_REQUIRED'] === '1') throw new Error(pgSkipReason);
  console.log(`# store contract: PostgreSQL half skipped: ${pgSkipReason}`);
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function freshPostgres(): Promise<Database> {
  const schema = `palisade_test_${randomBytes(8).toString('hex')}`;
  await withAdminClient((c) => c.query(`create schema ${schema}`));
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    config: { kind: 'postgres', url: url.toString(), poolSize: 4 },
    dispose: () => withAdminClient((c) => c.query(`drop schema ${schema} cascade`)).then(() => {}),
  };
}

function freshSqlite(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-store-'));
  return Promise.resolve({
    config: { kind: 'sqlite', path: join(dir, 'palisade.sqlite') },
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}

const DIALECTS: readonly {
  name: SqlDialect;
  skip: string | null;
  fresh: () => Promise<Database>;
}[] = [
  { name: 'sqlite', skip: null, fresh: freshSqlite },
  { name: 'postgres', skip: pgSkipReason, fresh: freshPostgres },
];

export type ContractTest = (name: string, fn: (ctx: ContractContext) => Promise<void>) => void;

/** Declares `cases` once per dialect; each case gets a fresh migrated store. */
export function contract(title: string, cases: (it: ContractTest) => void): void {
  for (const d of DIALECTS) {
    void describe(`${title} [${d.name}]`, () => {
      cases((name, fn) => {
        void test(name, d.skip === null ? {} : { skip: d.skip }, async () => {
          const database = await d.fresh();
          const clock = new FakeClock();
          const opened: Store[] = [];
          const extra: Database[] = [];
          const freshDatabase = async () => {
            const more = await d.fresh();
            extra.push(more);
            return more.config;
          };
          try {
            const open = async () => {
              const s = await openStore(database.config, undefined, clock);
              opened.push(s);
              return s;
            };
            const store = await open();
            await store.migrate();
            await fn({
              store,
              clock,
              dialect: d.name,
              config: database.config,
              openAnother: open,
              freshDatabase,
            });
          } finally {
            for (const s of opened) await s.close();
            for (const more of [database, ...extra]) await more.dispose();
          }
        });
      });
    });
  }
}

/**
 * Runs SQL on the test database outside the store, as an operator with a
 * database shell would: for tests that the database itself enforces a rule
 * or has an index. Returns the rows of a query.
 */
export async function executeRaw(
  config: StoreConfig,
  text: string,
): Promise<Record<string, unknown>[]> {
  if (config.kind === 'sqlite') {
    const db = new BetterSqlite3(config.path);
    try {
      const stmt = db.prepare(text);
      if (stmt.reader) return stmt.all() as Record<string, unknown>[];
      stmt.run();
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}
