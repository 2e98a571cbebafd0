import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import type { Device, DeviceRepository, ListOptions, NewDevice } from '@palisade/pbx';
import type { Selectable, Updateable } from 'kysely';
import type { DevicesTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { credentialWrite, deleteCredentialRow, paging } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

function toDevice(row: Selectable<DevicesTable>): Device {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    sipUsername: row.sip_username,
    label: row.label,
    ha1Md5: row.ha1_md5,
    ha1Sha256: row.ha1_sha256,
    createdAt: Number(row.created_at),
    secretRotatedAt: Number(row.secret_rotated_at),
  };
}

export class SqlDeviceRepository implements DeviceRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewDevice): Promise<Device> {
    const now = this.#ctx.clock.now();
    const row = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      user_id: input.userId,
      sip_username: input.sipUsername,
      label: input.label,
      ha1_md5: input.ha1Md5,
      ha1_sha256: input.ha1Sha256,
      created_at: now,
      secret_rotated_at: now,
    };
    await guarded(() => this.#ctx.db.insertInto('devices').values(row).execute(), {
      foreignKeyField: 'userId',
    });
    return toDevice(row);
  }

  async findById(id: string): Promise<Device | null> {
    const row = await this.#ctx.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toDevice(row) : null;
  }

  async findBySipUsername(tenantId: string, sipUsername: string): Promise<Device | null> {
    const row = await this.#ctx.db
      .selectFrom('devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('sip_username', '=', sipUsername)
      .executeTakeFirst();
    return row ? toDevice(row) : null;
  }

  async findBySipDomainAndUsername(sipDomain: string, sipUsername: string): Promise<Device | null> {
    // Two unique-index probes: tenants.sip_domain, then (tenant_id, sip_username).
    const row = await this.#ctx.db
      .selectFrom('devices')
      .innerJoin('tenants', 'tenants.id', 'devices.tenant_id')
      .selectAll('devices')
      .where('tenants.sip_domain', '=', sipDomain.toLowerCase())
      .where('devices.sip_username', '=', sipUsername)
      .executeTakeFirst();
    return row ? toDevice(row) : null;
  }

  async listByUser(userId: string): Promise<Device[]> {
    const rows = await this.#ctx.db
      .selectFrom('devices')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('sip_username')
      .execute();
    return rows.map(toDevice);
  }

  async listByTenant(tenantId: string, options?: ListOptions): Promise<Device[]> {
    const { limit, offset } = paging(options);
    const rows = await this.#ctx.db
      .selectFrom('devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('sip_username')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toDevice);
  }

  updateLabel(deviceId: string, label: string): Promise<Device> {
    return this.#set(deviceId, { label });
  }

  rotateSecret(deviceId: string, ha1Md5: string, ha1Sha256: string): Promise<Device> {
    return this.#set(deviceId, {
      ha1_md5: ha1Md5,
      ha1_sha256: ha1Sha256,
      secret_rotated_at: this.#ctx.clock.now(),
    });
  }

  delete(id: string): Promise<boolean> {
    return deleteCredentialRow(this.#ctx, 'devices', id);
  }

  async #set(id: string, changes: Updateable<DevicesTable>): Promise<Device> {
    const row = await credentialWrite(this.#ctx, () =>
      guarded(() =>
        this.#ctx.db
          .updateTable('devices')
          .set(changes)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      ),
    );
    if (!row) throw new PalisadeError('not_found', 'no such device', { details: { id } });
    return toDevice(row);
  }
}
