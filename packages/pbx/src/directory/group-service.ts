/**
 * ACL groups (PRODUCT §C9). Permissions come from the catalogue in
 * @palisade/security; console-area permissions only in admin groups; admin
 * groups are created and changed by the super-admin only.
 */
import { PalisadeError } from '@palisade/common';
import { ADMIN_PERMISSIONS, isPermission } from '@palisade/security';
import type { Group, GroupPatch } from '../ports/group-repository.ts';
import type { ListOptions } from '../ports/list-options.ts';
import { assertTenantVisible, type Actor } from './actor.ts';
import { audited, type DirectoryDeps } from './directory-deps.ts';
import { check } from './validation.ts';

const adminOnly = new Set<string>(ADMIN_PERMISSIONS);

function checkPermissions(permissions: readonly string[], isAdmin: boolean): string[] {
  const unique = [...new Set(permissions)];
  const unknown = unique.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new PalisadeError(
      'validation_failed',
      `unknown permission: ${unknown.slice(0, 5).join(', ')}`,
      { details: { field: 'permissions' } },
    );
  }
  if (!isAdmin && unique.some((p) => adminOnly.has(p))) {
    throw new PalisadeError(
      'validation_failed',
      'console permissions belong in admin groups only',
      { details: { field: 'permissions' } },
    );
  }
  return unique.sort();
}

export class GroupService {
  readonly #deps: DirectoryDeps;
  constructor(deps: DirectoryDeps) {
    this.#deps = deps;
  }

  async get(actor: Actor, id: string): Promise<Group> {
    const group = await this.#deps.store.groups.findById(id);
    if (!group) throw new PalisadeError('not_found', 'group not found');
    assertTenantVisible(actor, group.tenantId, 'group');
    return group;
  }

  async list(actor: Actor, tenantId: string, options?: ListOptions): Promise<Group[]> {
    assertTenantVisible(actor, tenantId, 'tenant');
    return this.#deps.store.groups.list(tenantId, options);
  }

  #requireSuperAdminFor(actor: Actor, isAdmin: boolean): void {
    if (isAdmin && !actor.isSuperAdmin)
      throw new PalisadeError('forbidden', 'only the super-admin changes admin groups');
  }

  async create(
    actor: Actor,
    input: {
      tenantId: string;
      name: string;
      description?: string;
      isAdmin?: boolean;
      permissions?: readonly string[];
    },
  ): Promise<Group> {
    assertTenantVisible(actor, input.tenantId, 'tenant');
    const isAdmin = input.isAdmin ?? false;
    this.#requireSuperAdminFor(actor, isAdmin);
    const fields = {
      tenantId: input.tenantId,
      name: check('groupName', input.name),
      description: check('description', input.description ?? ''),
      isAdmin,
      permissions: checkPermissions(input.permissions ?? [], isAdmin),
    };
    return audited(
      this.#deps,
      actor,
      'group.create',
      (g) => ({
        tenantId: g.tenantId,
        target: `group:${g.id}`,
        detail: { name: g.name, isAdmin, permissions: g.permissions },
      }),
      () => this.#deps.store.groups.create(fields),
    );
  }

  async update(
    actor: Actor,
    id: string,
    patch: {
      name?: string;
      description?: string;
      isAdmin?: boolean;
      permissions?: readonly string[];
    },
  ): Promise<Group> {
    return audited(
      this.#deps,
      actor,
      'group.update',
      (g) => ({
        tenantId: g.tenantId,
        target: `group:${g.id}`,
        detail: { fields: Object.keys(patch), permissions: g.permissions },
      }),
      async () => {
        const group = await this.get(actor, id);
        const isAdmin = patch.isAdmin ?? group.isAdmin;
        this.#requireSuperAdminFor(actor, group.isAdmin || isAdmin);
        const clean: GroupPatch = {
          ...(patch.name !== undefined ? { name: check('groupName', patch.name) } : {}),
          ...(patch.description !== undefined
            ? { description: check('description', patch.description) }
            : {}),
          ...(patch.isAdmin !== undefined ? { isAdmin } : {}),
          ...(patch.permissions !== undefined || patch.isAdmin !== undefined
            ? { permissions: checkPermissions(patch.permissions ?? group.permissions, isAdmin) }
            : {}),
        };
        return this.#deps.store.groups.update(id, clean);
      },
    );
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await audited(
      this.#deps,
      actor,
      'group.delete',
      () => ({ tenantId: actor.tenantId, target: `group:${id}` }),
      async () => {
        const group = await this.get(actor, id);
        this.#requireSuperAdminFor(actor, group.isAdmin);
        await this.#deps.store.groups.delete(id);
      },
    );
  }

  async setMembership(
    actor: Actor,
    groupId: string,
    userId: string,
    member: boolean,
  ): Promise<boolean> {
    return audited(
      this.#deps,
      actor,
      member ? 'group.member-add' : 'group.member-remove',
      () => ({ tenantId: actor.tenantId, target: `group:${groupId}`, detail: { userId } }),
      async () => {
        const group = await this.get(actor, groupId);
        this.#requireSuperAdminFor(actor, group.isAdmin);
        const user = await this.#deps.store.users.findById(userId);
        if (!user || user.tenantId !== group.tenantId)
          throw new PalisadeError('not_found', 'user not found');
        return member
          ? this.#deps.store.groups.addMember(groupId, userId)
          : this.#deps.store.groups.removeMember(groupId, userId);
      },
    );
  }

  async members(actor: Actor, groupId: string): Promise<string[]> {
    await this.get(actor, groupId);
    return this.#deps.store.groups.listMemberIds(groupId);
  }

  /** The union of the permissions of every group the user belongs to. */
  async permissionsOf(userId: string): Promise<Set<string>> {
    const groups = await this.#deps.store.groups.listGroupsOfUser(userId);
    return new Set(groups.flatMap((g) => g.permissions));
  }
}
