/** Small builders for contract tests. */
import { createHash } from 'node:crypto';
import type { Device, Tenant, User } from '@palisade/pbx';
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
