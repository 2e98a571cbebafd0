import type { PresenceRepository, StoredStatus, UserPresence } from '@palisade/pbx';
import type { Selectable } from 'kysely';
import type { UserPresenceTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import type { RepositoryContext } from './repository-context.ts';

function toPresence(row: Selectable<UserPresenceTable>): UserPresence {
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    status: row.status,
    updatedAt: Number(row.updated_at),
  };
}

export class SqlPresenceRepository implements PresenceRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async get(userId: string): Promise<UserPresence | null> {
    const row = await this.#ctx.db
      .selectFrom('user_presence')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? toPresence(row) : null;
  }

  async set(tenantId: string, userId: string, status: StoredStatus): Promise<UserPresence> {
    const row = { tenant_id: tenantId, user_id: userId, status, updated_at: this.#ctx.clock.now() };
    await guarded(
      () =>
        this.#ctx.db
          .insertInto('user_presence')
          .values(row)
          .onConflict((oc) =>
            // the tenant too, so a user named with another tenant fails the foreign key
            oc.column('user_id').doUpdateSet((eb) => ({
              tenant_id: eb.ref('excluded.tenant_id'),
              status: eb.ref('excluded.status'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute(),
      { foreignKeyField: 'userId' },
    );
    return toPresence(row);
  }

  async listByTenant(tenantId: string): Promise<UserPresence[]> {
    const rows = await this.#ctx.db
      .selectFrom('user_presence')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('user_id')
      .execute();
    return rows.map(toPresence);
  }
}
