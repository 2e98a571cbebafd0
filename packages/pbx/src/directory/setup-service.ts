/**
 * First start (PRODUCT §C1): there is no default account and no default
 * password. While no super-admin exists, a single-use setup link (valid one
 * hour) lets exactly one person create the super-admin. A new link
 * invalidates every older one. The token is random (256 bits) and only its
 * hash is stored.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import {
  hashToken,
  randomToken,
  type AuditTrail,
  type SetupTokenRepository,
} from '@palisade/security';
import type { PbxStore } from '../ports/pbx-store.ts';
import type { User } from '../ports/user-repository.ts';
import { check, checkOptional } from './validation.ts';

export const SETUP_LINK_LIFETIME_MS = 3_600_000;

export interface SetupDeps {
  readonly store: PbxStore;
  readonly setupTokens: SetupTokenRepository;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** Hashes a web password for storage (argon2id). */
  readonly hashPassword: (password: string) => Promise<string>;
  /** Explains why a password is not acceptable, or returns an empty list. */
  readonly checkPassword: (
    password: string,
    context: readonly string[],
  ) => readonly string[] | Promise<readonly string[]>;
}

export interface SetupInput {
  readonly token: string;
  readonly username: string;
  readonly displayName: string;
  readonly extension: string;
  readonly email?: string | null;
  readonly password: string;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

export class SetupService {
  readonly #deps: SetupDeps;
  constructor(deps: SetupDeps) {
    this.#deps = deps;
  }

  async needed(): Promise<boolean> {
    return (await this.#deps.store.users.findSuperAdmin()) === null;
  }

  /** A fresh single-use link; every earlier one stops working. */
  async createLink(baseUrl: string, actor: string): Promise<{ url: string; expiresAt: number }> {
    if (!(await this.needed()))
      throw new PalisadeError(
        'conflict',
        'a super-admin exists already; setup links are for the first start only',
      );
    const token = randomToken(32);
    const expiresAt = this.#deps.clock.now() + SETUP_LINK_LIFETIME_MS;
    await this.#deps.setupTokens.invalidateAll();
    await this.#deps.setupTokens.create({ tokenHash: hashToken(token), expiresAt });
    await this.#deps.audit.record({
      actor,
      action: 'setup.link-create',
      outcome: 'success',
      detail: { expiresAt },
    });
    return { url: `${baseUrl.replace(/\/$/, '')}/setup?token=${token}`, expiresAt };
  }

  /** Creates the super-admin in the default tenant's Admins group, consuming the token. */
  async complete(tenantId: string, input: SetupInput): Promise<User> {
    const where = {
      actor: 'setup',
      ...(input.remoteAddress ? { remoteAddress: input.remoteAddress } : {}),
      ...(input.remotePort ? { remotePort: input.remotePort } : {}),
    };
    const fields = {
      tenantId,
      username: check('username', input.username.toLowerCase()),
      displayName: check('displayName', input.displayName),
      extension: check('extension', input.extension),
      email: checkOptional('email', input.email) ?? null,
    };
    const problems = await this.#deps.checkPassword(input.password, [
      fields.username,
      fields.displayName,
      fields.extension,
    ]);
    if (problems.length > 0)
      throw new PalisadeError('validation_failed', `password: ${problems.join('; ')}`, {
        details: { field: 'password' },
      });
    if (!(await this.needed())) throw new PalisadeError('conflict', 'a super-admin exists already');
    // Consume first: a second request with the same token loses even if it raced this one.
    if (!(await this.#deps.setupTokens.consume(hashToken(input.token), this.#deps.clock.now()))) {
      await this.#deps.audit.record({
        ...where,
        action: 'setup.complete',
        outcome: 'denied',
        detail: { reason: 'invalid or used setup link' },
      });
      throw new PalisadeError(
        'forbidden',
        'this setup link is invalid, used or expired; run `palisade admin setup` for a new one',
      );
    }
    const passwordHash = await this.#deps.hashPassword(input.password);
    const user = await this.#deps.store.transaction(async (tx) => {
      const created = await tx.users.create({ ...fields, passwordHash });
      const admin = await tx.users.promoteSuperAdmin(created.id);
      for (const name of ['Admins', 'Users']) {
        const group = await tx.groups.findByName(tenantId, name);
        if (group) await tx.groups.addMember(group.id, admin.id);
      }
      return admin;
    });
    await this.#deps.audit.record({
      ...where,
      action: 'setup.complete',
      outcome: 'success',
      tenantId,
      target: `user:${user.id}`,
      detail: { username: user.username },
    });
    return user;
  }
}
