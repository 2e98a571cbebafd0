import { PalisadeError, nullLogger, systemClock } from '@palisade/common';
import type { Clock, Logger } from '@palisade/common';
import { Kysely } from 'kysely';
import { createPostgresDialect, createPostgresPool } from './dialect/postgres-dialect.ts';
import { createSqliteDialect, openSqliteDatabase } from './dialect/sqlite-dialect.ts';
import type { SqlDialect } from './migrations/migration.ts';
import type { Database } from './schema/database.ts';
import { SqlStore } from './store.ts';
import type { Store } from './store.ts';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      /** postgres://user@host:port/db; `?options=-c search_path=…` selects a schema. */
      readonly url: string;
      readonly poolSize?: number;
    };

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  /** The file of a SQLite database. */
  readonly sqlitePath?: string;
}

/** The Kysely instance for `config`, without checking that the database answers. */
export function openDatabase(config: StoreConfig, logger: Logger): OpenedDatabase {
  switch (config.kind) {
    case 'sqlite': {
      let raw;
      try {
        raw = openSqliteDatabase(config.path);
      } catch (err) {
        throw new PalisadeError('storage_failed', 'cannot open the SQLite database', {
          details: { path: config.path },
          cause: err,
        });
      }
      return {
        db: new Kysely<Database>({ dialect: createSqliteDialect(raw) }),
        dialect: 'sqlite',
        sqlitePath: config.path,
      };
    }
    case 'postgres': {
      const pool = createPostgresPool(
        { url: config.url, ...(config.poolSize !== undefined && { poolSize: config.poolSize }) },
        logger,
      );
      return {
        db: new Kysely<Database>({ dialect: createPostgresDialect(pool) }),
        dialect: 'postgres',
      };
    }
  }
}

/**
 * Opens the database and checks it answers. Does not migrate: the caller
 * (server start, `palisade db migrate`) calls `migrate()`.
 */
export async function openStore(
  config: StoreConfig,
  logger: Logger = nullLogger,
  clock: Clock = systemClock,
): Promise<Store> {
  const log = logger.child({ component: 'store', dialect: config.kind });
  const { db, dialect, sqlitePath } = openDatabase(config, log);
  const store = new SqlStore(db, dialect, clock, log, sqlitePath);
  try {
    await store.ping();
  } catch (err) {
    await store.close();
    // The URL may hold a password: never repeat it.
    throw new PalisadeError('storage_failed', `cannot reach the ${dialect} database`, {
      cause: err,
    });
  }
  log.info('storage opened');
  return store;
}
