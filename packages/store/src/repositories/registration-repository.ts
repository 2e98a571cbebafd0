import type {
  ListOptions,
  RegistrationBinding,
  RegistrationFilter,
  RegistrationRepository,
} from '@palisade/pbx';
import { paging } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';
import { toBinding, toRow } from './registration-rows.ts';

export class SqlRegistrationRepository implements RegistrationRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async apply(changes: {
    readonly upsert: readonly RegistrationBinding[];
    readonly remove: readonly string[];
  }): Promise<void> {
    const ids = [...changes.remove, ...changes.upsert.map((b) => b.id)];
    if (ids.length === 0) return;
    const rows = changes.upsert.map(toRow);
    const work = async (db: RepositoryContext['db']): Promise<void> => {
      await db.deleteFrom('registrations').where('id', 'in', ids).execute();
      if (rows.length > 0) await db.insertInto('registrations').values(rows).execute();
    };
    // inside a store transaction already, or one of our own
    if (this.#ctx.db.isTransaction) await work(this.#ctx.db);
    else await this.#ctx.db.transaction().execute(work);
  }

  async listUnexpired(now: number): Promise<RegistrationBinding[]> {
    const rows = await this.#ctx.db
      .selectFrom('registrations')
      .selectAll()
      .where('expires_at', '>', now)
      .execute();
    return rows.map(toBinding);
  }

  async list(filter: RegistrationFilter, options?: ListOptions): Promise<RegistrationBinding[]> {
    const { limit, offset } = paging(options);
    let q = this.#ctx.db
      .selectFrom('registrations')
      .selectAll()
      .where('tenant_id', '=', filter.tenantId)
      .where('expires_at', '>', filter.now);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
    const rows = await q
      .orderBy('aor')
      .orderBy('contact_uri')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toBinding);
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.#ctx.db
      .deleteFrom('registrations')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
