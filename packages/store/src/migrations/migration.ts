import type { Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * One schema change. Versions start at 1 and increase by one; a migration is
 * never edited once released (write a new one instead). `up` runs inside a
 * transaction of its own and must produce the same schema on both dialects;
 * where the SQL differs it branches on `dialect`.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}
