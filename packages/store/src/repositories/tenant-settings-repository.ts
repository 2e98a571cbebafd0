import { PalisadeError } from '@palisade/common';
import type { JsonValue, TenantSetting, TenantSettingsRepository } from '@palisade/pbx';
import type { Selectable } from 'kysely';
import type { TenantSettingsTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import type { RepositoryContext } from './repository-context.ts';

function toSetting(row: Selectable<TenantSettingsTable>): TenantSetting {
  return {
    tenantId: row.tenant_id,
    key: row.key,
    value: JSON.parse(row.value) as JsonValue,
    updatedAt: Number(row.updated_at),
  };
}

export class SqlTenantSettingsRepository implements TenantSettingsRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async get(tenantId: string, key: string): Promise<TenantSetting | null> {
    const row = await this.#ctx.db
      .selectFrom('tenant_settings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? toSetting(row) : null;
  }

  async set(tenantId: string, key: string, value: JsonValue): Promise<TenantSetting> {
    const text = JSON.stringify(value);
    // JSON.stringify(undefined) and friends yield undefined; refuse what would not round-trip.
    if (typeof text !== 'string')
      throw new PalisadeError('validation_failed', 'setting value is not JSON', {
        details: { field: 'value' },
      });
    const row = { tenant_id: tenantId, key, value: text, updated_at: this.#ctx.clock.now() };
    await guarded(
      () =>
        this.#ctx.db
          .insertInto('tenant_settings')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'key']).doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute(),
      { foreignKeyField: 'tenantId' },
    );
    return toSetting(row);
  }

  async list(tenantId: string): Promise<TenantSetting[]> {
    const rows = await this.#ctx.db
      .selectFrom('tenant_settings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('key')
      .execute();
    return rows.map(toSetting);
  }

  async delete(tenantId: string, key: string): Promise<boolean> {
    const result = await this.#ctx.db
      .deleteFrom('tenant_settings')
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
