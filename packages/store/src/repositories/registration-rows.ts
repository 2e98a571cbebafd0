/**
 * Registration bindings to rows of the `registrations` table and back. Kept
 * apart from the repository so the write worker (registration-write-worker.ts)
 * loads only this, not the query builder's repositories.
 */
import type { RegistrationBinding } from '@palisade/pbx';
import type { Selectable } from 'kysely';
import type { RegistrationsTable } from '../schema/database.ts';
import { parseStringArray } from './string-array.ts';

/** Every column of the table, in order (the compiler checks that none is missing). */
export const REGISTRATION_COLUMNS = [
  'id',
  'tenant_id',
  'user_id',
  'device_id',
  'aor',
  'contact_uri',
  'contact_header',
  'instance_id',
  'reg_id',
  'q',
  'call_id',
  'cseq',
  'path',
  'transport',
  'source_address',
  'source_port',
  'user_agent',
  'expires_at',
  'registered_at',
  'updated_at',
] as const satisfies readonly (keyof RegistrationsTable)[];

// a column added to the table must be added above
type Missing = Exclude<keyof RegistrationsTable, (typeof REGISTRATION_COLUMNS)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

export function toBinding(row: Selectable<RegistrationsTable>): RegistrationBinding {
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

export function toRow(b: RegistrationBinding): RegistrationsTable {
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
