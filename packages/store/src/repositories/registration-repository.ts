import type {
  ListOptions,
  RegistrationBinding,
  RegistrationFilter,
  RegistrationRepository,
} from '@palisade/pbx';
import type { Selectable } from 'kysely';
import type { RegistrationsTable } from '../schema/database.ts';
import { paging, parseStringArray } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

function toBinding(row: Selectable<RegistrationsTable>): RegistrationBinding {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    deviceId: row.device_id,
    aor: row.aor,
    contactUri: row.contact_uri,
    contactHeader: row.contact_header,
    instanceId: row.instance_id,
    regId: row.reg_id === null ? null : Number(row.reg_id),
    q: row.q === null ? null : Number(row.q),
    callId: row.call_id,
    cseq: Number(row.cseq),
    path: parseStringArray(row.path),
    transport: row.transport,
    sourceAddress: row.source_address,
    sourcePort: Number(row.source_port),
    userAgent: row.user_agent,
    expiresAt: Number(row.expires_at),
    registeredAt: Number(row.registered_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(b: RegistrationBinding): RegistrationsTable {
  return {
    id: b.id,
    tenant_id: b.tenantId,
    user_id: b.userId,
    device_id: b.deviceId,
    aor: b.aor,
    contact_uri: b.contactUri,
    contact_header: b.contactHeader,
    instance_id: b.instanceId,
    reg_id: b.regId,
    q: b.q,
    call_id: b.callId,
    cseq: b.cseq,
    path: JSON.stringify(b.path),
    transport: b.transport,
    source_address: b.sourceAddress,
    source_port: b.sourcePort,
    user_agent: b.userAgent,
    expires_at: b.expiresAt,
    registered_at: b.registeredAt,
    updated_at: b.updatedAt,
  };
}

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
