import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import { DEFAULT_TENANT_NAME } from '@palisade/pbx';
import type { ListOptions, NewTenant, Tenant, TenantPatch, TenantRepository } from '@palisade/pbx';
import type { Selectable } from 'kysely';
import type { TenantsTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { credentialWrite, deleteCredentialRow, paging } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    name: row.name,
    sipDomain: row.sip_domain,
    createdAt: Number(row.created_at),
  };
}

export class SqlTenantRepository implements TenantRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewTenant): Promise<Tenant> {
    const row = {
      id: randomUUID(),
      name: input.name,
      sip_domain: input.sipDomain.toLowerCase(),
      created_at: this.#ctx.clock.now(),
    };
    await guarded(() => this.#ctx.db.insertInto('tenants').values(row).execute());
    return toTenant(row);
  }

  async findById(id: string): Promise<Tenant | null> {
    const row = await this.#ctx.db
      .selectFrom('tenants')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toTenant(row) : null;
  }

  async findBySipDomain(sipDomain: string): Promise<Tenant | null> {
    const row = await this.#ctx.db
      .selectFrom('tenants')
      .selectAll()
      .where('sip_domain', '=', sipDomain.toLowerCase())
      .executeTakeFirst();
    return row ? toTenant(row) : null;
  }

  async findByName(name: string): Promise<Tenant | null> {
    const row = await this.#ctx.db
      .selectFrom('tenants')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toTenant(row) : null;
  }

  async list(options?: ListOptions): Promise<Tenant[]> {
    const { limit, offset } = paging(options);
    const rows = await this.#ctx.db
      .selectFrom('tenants')
      .selectAll()
      .orderBy('name')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toTenant);
  }

  async update(id: string, patch: TenantPatch): Promise<Tenant> {
    const changes = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.sipDomain !== undefined && { sip_domain: patch.sipDomain.toLowerCase() }),
    };
    if (Object.keys(changes).length > 0)
      await credentialWrite(this.#ctx, () =>
        guarded(() =>
          this.#ctx.db.updateTable('tenants').set(changes).where('id', '=', id).execute(),
        ),
      );
    const tenant = await this.findById(id);
    if (!tenant) throw new PalisadeError('not_found', 'no such tenant', { details: { id } });
    return tenant;
  }

  delete(id: string): Promise<boolean> {
    return deleteCredentialRow(this.#ctx, 'tenants', id);
  }

  async ensureDefaultTenant(sipDomain: string): Promise<Tenant> {
    const existing = await this.findByName(DEFAULT_TENANT_NAME);
    if (existing) return existing;
    await guarded(() =>
      this.#ctx.db
        .insertInto('tenants')
        .values({
          id: randomUUID(),
          name: DEFAULT_TENANT_NAME,
          sip_domain: sipDomain.toLowerCase(),
          created_at: this.#ctx.clock.now(),
        })
        // A concurrent starter may have created it: keep theirs.
        .onConflict((oc) => oc.column('name').doNothing())
        .execute(),
    );
    const tenant = await this.findByName(DEFAULT_TENANT_NAME);
    if (!tenant) throw new Error('default tenant vanished after creation');
    return tenant;
  }
}
