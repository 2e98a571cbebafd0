/** Tenants: each with its own SIP domain and default ACL groups. Installation-wide actors only. */
import { PalisadeError } from '@palisade/common';
import { ADMIN_PERMISSIONS, DEFAULT_USER_PERMISSIONS } from '@palisade/security';
import type { ListOptions } from '../ports/list-options.ts';
import type { Tenant } from '../ports/tenant-repository.ts';
import type { Actor } from './actor.ts';
import { audited, type DirectoryDeps } from './directory-deps.ts';
import { check } from './validation.ts';

export const DEFAULT_GROUP_PERMISSIONS = {
  users: DEFAULT_USER_PERMISSIONS,
  admins: ADMIN_PERMISSIONS.filter((p) => !p.startsWith('tenants:')),
};

export class TenantService {
  readonly #deps: DirectoryDeps;
  constructor(deps: DirectoryDeps) {
    this.#deps = deps;
  }

  #requireInstallationWide(actor: Actor): void {
    if (actor.tenantId !== null)
      throw new PalisadeError(
        'forbidden',
        'only an installation-wide administrator manages tenants',
      );
  }

  /** The default tenant with its default groups; created on first start. */
  async ensureDefault(sipDomain: string): Promise<Tenant> {
    const tenant = await this.#deps.store.tenants.ensureDefaultTenant(
      check('sipDomain', sipDomain.toLowerCase()),
    );
    await this.#deps.store.groups.ensureDefaultGroups(tenant.id, DEFAULT_GROUP_PERMISSIONS);
    return tenant;
  }

  async list(actor: Actor, options?: ListOptions): Promise<Tenant[]> {
    if (actor.tenantId !== null) {
      const own = await this.#deps.store.tenants.findById(actor.tenantId);
      return own ? [own] : [];
    }
    return this.#deps.store.tenants.list(options);
  }

  async get(actor: Actor, id: string): Promise<Tenant> {
    const tenant = await this.#deps.store.tenants.findById(id);
    if (!tenant || (actor.tenantId !== null && actor.tenantId !== id))
      throw new PalisadeError('not_found', 'tenant not found');
    return tenant;
  }

  async create(actor: Actor, input: { name: string; sipDomain: string }): Promise<Tenant> {
    this.#requireInstallationWide(actor);
    const name = check('tenantName', input.name);
    const sipDomain = check('sipDomain', input.sipDomain.toLowerCase());
    return audited(
      this.#deps,
      actor,
      'tenant.create',
      (t) => ({ tenantId: t.id, target: `tenant:${t.id}`, detail: { name, sipDomain } }),
      () =>
        this.#deps.store.transaction(async (tx) => {
          const tenant = await tx.tenants.create({ name, sipDomain });
          await tx.groups.ensureDefaultGroups(tenant.id, DEFAULT_GROUP_PERMISSIONS);
          return tenant;
        }),
    );
  }

  async update(
    actor: Actor,
    id: string,
    patch: { name?: string; sipDomain?: string },
  ): Promise<Tenant> {
    this.#requireInstallationWide(actor);
    const name = patch.name === undefined ? undefined : check('tenantName', patch.name);
    const sipDomain =
      patch.sipDomain === undefined ? undefined : check('sipDomain', patch.sipDomain.toLowerCase());
    return audited(
      this.#deps,
      actor,
      'tenant.update',
      (t) => ({ tenantId: t.id, target: `tenant:${t.id}`, detail: { ...patch } }),
      async () => {
        const current = await this.get(actor, id);
        if (sipDomain !== undefined && sipDomain !== current.sipDomain) {
          // Stored HA1 values hash the realm: a new domain would silently break every device.
          const devices = await this.#deps.store.devices.listByTenant(id, { limit: 1 });
          if (devices.length > 0) {
            throw new PalisadeError(
              'conflict',
              'the SIP domain of a tenant with devices cannot change: their digest credentials are bound to it',
              { details: { field: 'sipDomain' } },
            );
          }
        }
        return this.#deps.store.tenants.update(id, {
          ...(name !== undefined ? { name } : {}),
          ...(sipDomain !== undefined ? { sipDomain } : {}),
        });
      },
    );
  }

  async delete(actor: Actor, id: string): Promise<void> {
    this.#requireInstallationWide(actor);
    await audited(
      this.#deps,
      actor,
      'tenant.delete',
      () => ({ tenantId: id, target: `tenant:${id}` }),
      async () => {
        const tenant = await this.get(actor, id);
        const superAdmin = await this.#deps.store.users.findSuperAdmin();
        if (superAdmin?.tenantId === tenant.id)
          throw new PalisadeError('conflict', 'the tenant of the super-admin cannot be deleted');
        await this.#deps.store.tenants.delete(id);
      },
    );
  }
}
