/**
 * PostgreSQL through a `pg` pool. BIGINT (epoch milliseconds, audit ids)
 * arrives as a JS number: every value we store is far below 2^53. The parser
 * is set on this pool only, not globally in `pg`.
 */
import type { Logger } from '@palisade/common';
import { PostgresDialect } from 'kysely';
import pg from 'pg';

const INT8_OID = 20;

type TypeParser = (value: string) => unknown;
const defaultParser = pg.types.getTypeParser.bind(pg.types) as (
  oid: number,
  format?: 'text' | 'binary',
) => TypeParser;

function typeParser(oid: number, format?: 'text' | 'binary'): TypeParser {
  return oid === INT8_OID && format !== 'binary' ? Number : defaultParser(oid, format);
}

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** How long to wait for a connection before failing, in ms. */
  readonly connectTimeoutMs?: number;
}

export function createPostgresPool(options: PostgresOptions, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: {
      getTypeParser: typeParser as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', (err) => {
    logger.warn('postgres idle connection failed', { error: err.message });
  });
  return pool;
}

export function createPostgresDialect(pool: pg.Pool): PostgresDialect {
  return new PostgresDialect({ pool });
}
