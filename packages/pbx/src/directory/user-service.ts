/** Users of a tenant: people with an extension, a login name and devices. */
import { PalisadeError } from '@palisade/common';
import { ringGroupWithExtension } from '../calls/call-settings.ts';
import type { ListOptions } from '../ports/list-options.ts';
import type { User, UserPatch, UserState } from '../ports/user-repository.ts';
import { assertTenantVisible, type Actor } from './actor.ts';
import { audited, type DirectoryDeps } from './directory-deps.ts';
import { check, checkOptional } from './validation.ts';

export interface NewUserInput {
  readonly tenantId: string;
  readonly username: string;
  readonly extension: string;
  readonly displayName: string;
  readonly email?: string | null;
  readonly mobile?: string | null;
}

export interface UserPatchInput {
  readonly username?: string;
  readonly extension?: string;
  readonly displayName?: string;
  readonly email?: string | null;
  readonly mobile?: string | null;
  readonly state?: UserState;
}

/** What the API and CLI show of a user: never the password hash. */
export type UserView = Omit<User, 'passwordHash'>;

export function userView(user: User): UserView {
  const { passwordHash: _omitted, ...view } = user;
  return view;
}

export class UserService {
  readonly #deps: DirectoryDeps;
  constructor(deps: DirectoryDeps) {
    this.#deps = deps;
  }

  async get(actor: Actor, id: string): Promise<User> {
    const user = await this.#deps.store.users.findById(id);
    if (!user) throw new PalisadeError('not_found', 'user not found');
    assertTenantVisible(actor, user.tenantId, 'user');
    return user;
  }

  async list(actor: Actor, tenantId: string, options?: ListOptions): Promise<User[]> {
    assertTenantVisible(actor, tenantId, 'tenant');
    return this.#deps.store.users.list(tenantId, options);
  }

  async create(actor: Actor, input: NewUserInput): Promise<User> {
    assertTenantVisible(actor, input.tenantId, 'tenant');
    const fields = {
      tenantId: input.tenantId,
      username: check('username', input.username.toLowerCase()),
      extension: check('extension', input.extension),
      displayName: check('displayName', input.displayName),
      email: checkOptional('email', input.email) ?? null,
      mobile: checkOptional('mobile', input.mobile) ?? null,
    };
    return audited(
      this.#deps,
      actor,
      'user.create',
      (u) => ({
        tenantId: u.tenantId,
        target: `user:${u.id}`,
        detail: { username: u.username, extension: u.extension },
      }),
      async () => {
        if (!(await this.#deps.store.tenants.findById(input.tenantId)))
          throw new PalisadeError('not_found', 'tenant not found');
        await this.#refuseRingGroupExtension(fields.tenantId, fields.extension);
        return this.#deps.store.transaction(async (tx) => {
          const user = await tx.users.create(fields);
          const users = await tx.groups.findByName(user.tenantId, 'Users');
          if (users) await tx.groups.addMember(users.id, user.id);
          return user;
        });
      },
    );
  }

  async update(actor: Actor, id: string, patch: UserPatchInput): Promise<User> {
    const clean: UserPatch = {
      ...(patch.username !== undefined
        ? { username: check('username', patch.username.toLowerCase()) }
        : {}),
      ...(patch.extension !== undefined ? { extension: check('extension', patch.extension) } : {}),
      ...(patch.displayName !== undefined
        ? { displayName: check('displayName', patch.displayName) }
        : {}),
      ...(patch.email !== undefined ? { email: checkOptional('email', patch.email) ?? null } : {}),
      ...(patch.mobile !== undefined
        ? { mobile: checkOptional('mobile', patch.mobile) ?? null }
        : {}),
      ...(patch.state !== undefined ? { state: patch.state } : {}),
    };
    return audited(
      this.#deps,
      actor,
      'user.update',
      (u) => ({
        tenantId: u.tenantId,
        target: `user:${u.id}`,
        detail: { fields: Object.keys(clean) },
      }),
      async () => {
        const user = await this.get(actor, id);
        if (user.isSuperAdmin && patch.state === 'disabled')
          throw new PalisadeError('conflict', 'the super-admin cannot be disabled');
        if (clean.extension !== undefined && clean.extension !== user.extension)
          await this.#refuseRingGroupExtension(user.tenantId, clean.extension);
        return this.#deps.store.users.update(id, clean);
      },
    );
  }

  /** A ring group's extension is not free for a user (call-settings.ts). */
  async #refuseRingGroupExtension(tenantId: string, extension: string): Promise<void> {
    const group = await ringGroupWithExtension(
      this.#deps.store.tenantSettings,
      tenantId,
      extension,
    );
    if (group !== undefined)
      throw new PalisadeError('conflict', `extension ${extension} belongs to ring group ${group}`, {
        details: { field: 'extension' },
      });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await audited(
      this.#deps,
      actor,
      'user.delete',
      () => ({ tenantId: actor.tenantId, target: `user:${id}` }),
      async () => {
        const user = await this.get(actor, id);
        if (user.isSuperAdmin)
          throw new PalisadeError('conflict', 'the super-admin cannot be deleted');
        await this.#deps.store.users.delete(id);
      },
    );
  }
}
