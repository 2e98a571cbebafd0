import type { Clock } from '@palisade/common';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '@palisade/pbx';
import type { ListOptions } from '@palisade/pbx';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.ts';

/** What every repository is built on: the database (or a transaction) and the clock. */
export interface RepositoryContext {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** Flags select as 0/1 on SQLite and booleans on PostgreSQL. */
export function toBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

/** Limit and offset with defaults and caps applied. */
export function paging(options: ListOptions = {}): { limit: number; offset: number } {
  const wanted = Number.isFinite(options.limit) ? Math.trunc(options.limit!) : DEFAULT_LIST_LIMIT;
  const skip = Number.isFinite(options.offset) ? Math.trunc(options.offset!) : 0;
  const limit = Math.min(Math.max(1, wanted), MAX_LIST_LIMIT);
  const offset = Math.max(0, skip);
  return { limit, offset };
}
