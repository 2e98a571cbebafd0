/** Small builders for contract tests. */
import { createHash, randomUUID } from 'node:crypto';
import type { Device, RegistrationBinding, Tenant, User } from '@palisade/pbx';
import type { Repositories } from '../store.ts';

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function makeTenant(repos: Repositories, name = 'acme'): Promise<Tenant> {
  return repos.tenants.create({ name, sipDomain: `${name}.example.test` });
}

export function makeUser(repos: Repositories, tenantId: string, n: number): Promise<User> {
  return repos.users.create({
    tenantId,
    username: `user${n}`,
    extension: String(100 + n),
    displayName: `User ${n}`,
  });
}

export function makeDevice(repos: Repositories, user: User, sipUsername: string): Promise<Device> {
  return repos.devices.create({
    tenantId: user.tenantId,
    userId: user.id,
    sipUsername,
    label: 'desk phone',
    ha1Md5: md5Hex(sipUsername),
    ha1Sha256: sha256Hex(sipUsername),
  });
}

/** A binding of `device` with every field filled in (RFC 5626 instance, Path, TLS). */
export function makeBinding(
  device: Device,
  contact: string,
  expiresAt: number,
  extra: Partial<RegistrationBinding> = {},
): RegistrationBinding {
  return {
    id: randomUUID(),
    tenantId: device.tenantId,
    userId: device.userId,
    deviceId: device.id,
    aor: `sip:${device.sipUsername}@acme.example.test`,
    contactUri: contact,
    contactHeader: `<${contact}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-000000000001>";reg-id=1`,
    instanceId: 'urn:uuid:00000000-0000-0000-0000-000000000001',
    regId: 1,
    q: 0.5,
    callId: 'call-1@host',
    cseq: 7,
    path: ['<sip:edge.example.test;lr>'],
    transport: 'TLS',
    sourceAddress: '192.0.2.7',
    sourcePort: 40123,
    userAgent: 'Phone/1.0',
    expiresAt,
    registeredAt: 1000,
    updatedAt: 2000,
    ...extra,
  };
}
