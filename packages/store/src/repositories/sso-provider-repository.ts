import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import type {
  NewSsoProvider,
  SsoProvider,
  SsoProviderPatch,
  SsoProviderRepository,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { SsoProvidersTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { toBool } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

function toProvider(row: Selectable<SsoProvidersTable>): SsoProvider {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    name: row.name,
    enabled: toBool(row.enabled),
    config: JSON.parse(row.config) as SsoProvider['config'],
    sealedSecret: row.sealed_secret,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  } as SsoProvider;
}

export class SqlSsoProviderRepository implements SsoProviderRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewSsoProvider): Promise<SsoProvider> {
    const now = this.#ctx.clock.now();
    const row = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      kind: input.kind,
      name: input.name,
      enabled: input.enabled,
      config: JSON.stringify(input.config),
      sealed_secret: input.sealedSecret,
      created_at: now,
      updated_at: now,
    };
    await guarded(() => this.#ctx.db.insertInto('sso_providers').values(row).execute(), {
      foreignKeyField: 'tenantId',
    });
    return toProvider(row);
  }

  async findById(id: string): Promise<SsoProvider | null> {
    const row = await this.#ctx.db
      .selectFrom('sso_providers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toProvider(row) : null;
  }

  async list(tenantId: string): Promise<SsoProvider[]> {
    const rows = await this.#ctx.db
      .selectFrom('sso_providers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map(toProvider);
  }

  async update(id: string, patch: SsoProviderPatch): Promise<SsoProvider> {
    const set = {
      updated_at: this.#ctx.clock.now(),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.config !== undefined ? { config: JSON.stringify(patch.config) } : {}),
      ...(patch.sealedSecret !== undefined ? { sealed_secret: patch.sealedSecret } : {}),
    };
    await guarded(() =>
      this.#ctx.db.updateTable('sso_providers').set(set).where('id', '=', id).execute(),
    );
    const p = await this.findById(id);
    if (!p) throw new PalisadeError('not_found', 'no such provider', { details: { id } });
    return p;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.#ctx.db
      .deleteFrom('sso_providers')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
