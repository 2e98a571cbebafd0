import type { Clock } from '@palisade/common';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '@palisade/pbx';
import type { ListOptions } from '@palisade/pbx';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.ts';

/** What every repository is built on: the database (or a transaction) and the clock. */
export interface RepositoryContext {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /**
   * Called after a write that may change SIP credentials (a device's HA1
   * values or deletion, a user's state, a tenant's SIP domain): the store
   * tells whoever caches them (`onCredentialsChanged`).
   */
  readonly credentialsChanged?: () => void;
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

/**
 * Runs a write to devices, users or tenants and then tells that SIP
 * credentials may have changed, whether it succeeded or not.
 */
export async function credentialWrite<T>(
  ctx: RepositoryContext,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } finally {
    ctx.credentialsChanged?.();
  }
}

/** Deletes the row `id` of devices, users or tenants (credentials change). */
export async function deleteCredentialRow(
  ctx: RepositoryContext,
  table: 'devices' | 'users' | 'tenants',
  id: string,
): Promise<boolean> {
  const result = await credentialWrite(ctx, () =>
    ctx.db.deleteFrom(table).where('id', '=', id).executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}
