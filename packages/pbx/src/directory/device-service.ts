/**
 * Devices: each SIP endpoint of a user has its own SIP username and a secret
 * generated here (≥ 128 bits). The secret is returned once, at creation or
 * rotation, and only its digest HA1 values (MD5 and SHA-256, realm = the
 * tenant's SIP domain) are stored.
 */
import { PalisadeError } from '@palisade/common';
import { computeHa1, generateSipSecret } from '@palisade/security';
import type { Device } from '../ports/device-repository.ts';
import type { ListOptions } from '../ports/list-options.ts';
import { assertTenantVisible, type Actor } from './actor.ts';
import { audited, type DirectoryDeps } from './directory-deps.ts';
import { check } from './validation.ts';

/** What the API and CLI show of a device: never the HA1 values. */
export type DeviceView = Omit<Device, 'ha1Md5' | 'ha1Sha256'>;

export function deviceView(device: Device): DeviceView {
  const { ha1Md5: _m, ha1Sha256: _s, ...view } = device;
  return view;
}

/** The one time a secret is shown: with what a softphone needs to register. */
export interface DeviceCredentials {
  readonly device: DeviceView;
  readonly sipUsername: string;
  readonly secret: string;
  readonly domain: string;
}

export class DeviceService {
  readonly #deps: DirectoryDeps;
  constructor(deps: DirectoryDeps) {
    this.#deps = deps;
  }

  async get(actor: Actor, id: string): Promise<Device> {
    const device = await this.#deps.store.devices.findById(id);
    if (!device) throw new PalisadeError('not_found', 'device not found');
    assertTenantVisible(actor, device.tenantId, 'device');
    return device;
  }

  async listByUser(actor: Actor, userId: string): Promise<Device[]> {
    const user = await this.#deps.store.users.findById(userId);
    if (!user) throw new PalisadeError('not_found', 'user not found');
    assertTenantVisible(actor, user.tenantId, 'user');
    return this.#deps.store.devices.listByUser(userId);
  }

  async listByTenant(actor: Actor, tenantId: string, options?: ListOptions): Promise<Device[]> {
    assertTenantVisible(actor, tenantId, 'tenant');
    return this.#deps.store.devices.listByTenant(tenantId, options);
  }

  async #realmOf(tenantId: string): Promise<string> {
    const tenant = await this.#deps.store.tenants.findById(tenantId);
    if (!tenant) throw new PalisadeError('not_found', 'tenant not found');
    return tenant.sipDomain;
  }

  static #hashes(
    sipUsername: string,
    realm: string,
    secret: string,
  ): { ha1Md5: string; ha1Sha256: string } {
    return {
      ha1Md5: computeHa1('MD5', sipUsername, realm, secret),
      ha1Sha256: computeHa1('SHA-256', sipUsername, realm, secret),
    };
  }

  /** Adds a device; the SIP username defaults to the user's extension, then extension-2, -3, … */
  async add(
    actor: Actor,
    input: { userId: string; sipUsername?: string; label?: string },
  ): Promise<DeviceCredentials> {
    const label = check('label', input.label ?? '');
    const requested =
      input.sipUsername === undefined ? undefined : check('sipUsername', input.sipUsername);
    return audited(
      this.#deps,
      actor,
      'device.create',
      (c) => ({
        tenantId: c.device.tenantId,
        target: `device:${c.device.id}`,
        detail: { sipUsername: c.sipUsername, userId: input.userId },
      }),
      async () => {
        const user = await this.#deps.store.users.findById(input.userId);
        if (!user) throw new PalisadeError('not_found', 'user not found');
        assertTenantVisible(actor, user.tenantId, 'user');
        const realm = await this.#realmOf(user.tenantId);
        const sipUsername =
          requested ?? (await this.#freeSipUsername(user.tenantId, user.extension));
        const secret = generateSipSecret();
        const device = await this.#deps.store.devices.create({
          tenantId: user.tenantId,
          userId: user.id,
          sipUsername,
          label,
          ...DeviceService.#hashes(sipUsername, realm, secret),
        });
        return { device: deviceView(device), sipUsername, secret, domain: realm };
      },
    );
  }

  async #freeSipUsername(tenantId: string, extension: string): Promise<string> {
    for (let n = 1; n <= 100; n++) {
      const candidate = n === 1 ? extension : `${extension}-${n}`;
      if (!(await this.#deps.store.devices.findBySipUsername(tenantId, candidate)))
        return candidate;
    }
    throw new PalisadeError(
      'conflict',
      'no free SIP username for this extension; give one explicitly',
      { details: { field: 'sipUsername' } },
    );
  }

  /** A new secret; the old one stops working at once. */
  async rotateSecret(actor: Actor, id: string): Promise<DeviceCredentials> {
    return audited(
      this.#deps,
      actor,
      'device.rotate-secret',
      (c) => ({ tenantId: c.device.tenantId, target: `device:${id}` }),
      async () => {
        const device = await this.get(actor, id);
        const realm = await this.#realmOf(device.tenantId);
        const secret = generateSipSecret();
        const h = DeviceService.#hashes(device.sipUsername, realm, secret);
        const updated = await this.#deps.store.devices.rotateSecret(id, h.ha1Md5, h.ha1Sha256);
        return {
          device: deviceView(updated),
          sipUsername: updated.sipUsername,
          secret,
          domain: realm,
        };
      },
    );
  }

  async updateLabel(actor: Actor, id: string, label: string): Promise<Device> {
    const clean = check('label', label);
    return audited(
      this.#deps,
      actor,
      'device.update',
      (d) => ({ tenantId: d.tenantId, target: `device:${d.id}` }),
      async () => {
        await this.get(actor, id);
        return this.#deps.store.devices.updateLabel(id, clean);
      },
    );
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await audited(
      this.#deps,
      actor,
      'device.delete',
      () => ({ tenantId: actor.tenantId, target: `device:${id}` }),
      async () => {
        await this.get(actor, id);
        await this.#deps.store.devices.delete(id);
      },
    );
  }
}
