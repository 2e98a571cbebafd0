/**
 * SQLite through better-sqlite3, set up for a server: WAL journal (readers do
 * not block the writer), foreign keys enforced, a busy timeout so the CLI and
 * the server can share the file, synchronous=FULL so a committed transaction
 * survives a power cut. Write transactions start with BEGIN IMMEDIATE: they
 * take the write lock up front and wait for it (busy_timeout) instead of
 * failing with SQLITE_BUSY when upgrading from a read.
 */
import { closeSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver } from 'kysely';
import type {
  DatabaseConnection,
  Driver,
  SqliteDatabase,
  SqliteDialectConfig,
  SqliteStatement,
} from 'kysely';

export const SQLITE_BUSY_TIMEOUT_MS = 5000;
const STATEMENT_CACHE_SIZE = 256;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** SQLite has no boolean type: bind JS booleans as 0/1. */
function bindable(parameters: readonly unknown[]): unknown[] {
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/**
 * Adapts better-sqlite3 to Kysely's SqliteDatabase: booleans bound as 0/1,
 * and prepared statements reused (Kysely prepares per query; the SIP
 * registrar runs the same few queries all the time).
 */
function adapt(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(query: string): SqliteStatement {
      let stmt = cache.get(query);
      if (stmt) {
        cache.delete(query); // re-insert below: most recently used last
      } else {
        stmt = db.prepare(query);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      cache.set(query, stmt);
      const s = stmt;
      return {
        reader: s.reader,
        all: (params) => s.all(bindable(params)),
        run: (params) => s.run(bindable(params)),
        iterate: (params) => s.iterate(bindable(params)),
      };
    },
  };
}

/** Opens (creating with owner-only permissions when missing) and configures the database file. */
export function openSqliteDatabase(path: string): BetterSqlite3.Database {
  // The file holds digest HA1 values and token hashes: not world-readable.
  // SQLite gives the -wal and -shm files the same permissions.
  closeSync(openSync(path, 'a', 0o600));
  const db = new BetterSqlite3(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal')
      throw new Error('SQLite refused the WAL journal mode');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    db.pragma('synchronous = FULL');
    if (db.pragma('foreign_keys', { simple: true }) !== 1)
      throw new Error('SQLite refused to enable foreign keys');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function createSqliteDialect(db: BetterSqlite3.Database): SqliteDialect {
  return new ImmediateSqliteDialect({ database: adapt(db) });
}
