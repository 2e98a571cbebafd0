/**
 * The directory as single sign-on sees it (security's SsoAccountPort): find,
 * create, update, disable accounts and keep their mapped ACL groups. Every
 * change goes through the directory services, so it is validated and
 * audited like one made in the console, with `system` as the actor.
 *
 * A new account never takes over an existing one: when the preferred login
 * name is taken, a numbered variant is used instead.
 */
import { isPalisadeError, PalisadeError } from '@palisade/common';
import {
  normalisePhone,
  type SsoAccount,
  type SsoAccountPort,
  type SsoProfile,
} from '@palisade/security';
import type { User } from '../ports/user-repository.ts';
import { SYSTEM_ACTOR } from './actor.ts';
import type { DirectoryDeps } from './directory-deps.ts';
import { UserService } from './user-service.ts';
import { check } from './validation.ts';

export interface SsoAccountDirectoryOptions {
  /** First extension handed to accounts SSO creates. */
  readonly firstExtension: number;
  /** Whether a second factor is mandatory; by default only admins must. */
  readonly mfaRequired?: (userId: string, isAdmin: boolean) => Promise<boolean>;
}

const NAME_ATTEMPTS = 20;

const EXTENSION_ATTEMPTS = 1000;

export class SsoAccountDirectory implements SsoAccountPort {
  readonly #deps: DirectoryDeps;
  readonly #users: UserService;
  readonly #options: SsoAccountDirectoryOptions;

  constructor(deps: DirectoryDeps, options: SsoAccountDirectoryOptions) {
    this.#deps = deps;
    this.#users = new UserService(deps);
    this.#options = options;
  }

  async #isAdmin(user: User): Promise<boolean> {
    if (user.isSuperAdmin) return true;
    return (await this.#deps.store.groups.listGroupsOfUser(user.id)).some((g) => g.isAdmin);
  }

  async #view(user: User): Promise<SsoAccount> {
    return {
      id: user.id,
      tenantId: user.tenantId,
      username: user.username,
      displayName: user.displayName,
      email: user.email,
      phone: user.mobile,
      active: user.state === 'active',
      isAdmin: await this.#isAdmin(user),
    };
  }

  async findById(userId: string): Promise<SsoAccount | null> {
    const user = await this.#deps.store.users.findById(userId);
    return user ? this.#view(user) : null;
  }

  async #freeExtension(tenantId: string): Promise<string> {
    const start = this.#options.firstExtension + (await this.#deps.store.users.count(tenantId));
    for (let n = start; n < start + EXTENSION_ATTEMPTS; n++) {
      if (!(await this.#deps.store.users.findByExtension(tenantId, String(n)))) return String(n);
    }
    throw new PalisadeError('conflict', 'no free extension for a new account');
  }

  #candidates(preferred: string): string[] {
    let base: string;
    try {
      base = check('username', preferred.toLowerCase().slice(0, 100));
    } catch {
      base = 'sso-user';
    }
    return [base, ...Array.from({ length: NAME_ATTEMPTS - 1 }, (_, i) => `${base}.${i + 2}`)];
  }

  async create(tenantId: string, profile: SsoProfile): Promise<SsoAccount> {
    for (const username of this.#candidates(profile.username)) {
      if (await this.#deps.store.users.findByUsername(tenantId, username)) continue;
      try {
        const user = await this.#users.create(SYSTEM_ACTOR, {
          tenantId,
          username,
          extension: await this.#freeExtension(tenantId),
          displayName: profile.displayName.slice(0, 200) || username,
          email: profile.email,
          mobile: normalisePhone(profile.phone),
        });
        return await this.#view(user);
      } catch (err) {
        if (!isPalisadeError(err, 'conflict')) throw err;
      }
    }
    throw new PalisadeError('conflict', 'no free login name for a new account');
  }

  async updateProfile(userId: string, profile: Omit<SsoProfile, 'username'>): Promise<SsoAccount> {
    const user = await this.#users.update(SYSTEM_ACTOR, userId, {
      displayName: profile.displayName.slice(0, 200),
      email: profile.email,
      mobile: normalisePhone(profile.phone),
    });
    return this.#view(user);
  }

  async setActive(userId: string, active: boolean): Promise<void> {
    await this.#users.update(SYSTEM_ACTOR, userId, { state: active ? 'active' : 'disabled' });
  }

  async groupIds(userId: string): Promise<string[]> {
    return (await this.#deps.store.groups.listGroupsOfUser(userId)).map((g) => g.id);
  }

  async syncGroups(
    userId: string,
    wanted: readonly string[],
    managed: readonly string[],
  ): Promise<{ added: string[]; removed: string[] }> {
    const has = new Set(await this.groupIds(userId));
    const added: string[] = [];
    const removed: string[] = [];
    for (const g of wanted) {
      if (!has.has(g) && (await this.#deps.store.groups.addMember(g, userId))) added.push(g);
    }
    for (const g of managed) {
      if (
        has.has(g) &&
        !wanted.includes(g) &&
        (await this.#deps.store.groups.removeMember(g, userId))
      )
        removed.push(g);
    }
    if (added.length > 0 || removed.length > 0) {
      const user = await this.#deps.store.users.findById(userId);
      await this.#deps.audit.record({
        actor: SYSTEM_ACTOR.id,
        action: 'group.membership-sync',
        outcome: 'success',
        tenantId: user?.tenantId ?? null,
        target: `user:${userId}`,
        detail: { added, removed },
      });
    }
    return { added, removed };
  }

  async mfaRequired(userId: string): Promise<boolean> {
    const user = await this.#deps.store.users.findById(userId);
    if (!user) return true;
    const isAdmin = await this.#isAdmin(user);
    return this.#options.mfaRequired ? this.#options.mfaRequired(userId, isAdmin) : isAdmin;
  }
}
