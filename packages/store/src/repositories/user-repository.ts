import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import type { ListOptions, NewUser, User, UserPatch, UserRepository } from '@palisade/pbx';
import type { Selectable, Updateable } from 'kysely';
import type { UsersTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { credentialWrite, deleteCredentialRow, paging, toBool } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    extension: row.extension,
    displayName: row.display_name,
    email: row.email,
    mobile: row.mobile,
    state: row.state,
    isSuperAdmin: toBool(row.is_super_admin),
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at === null ? null : Number(row.password_changed_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function notFound(id: string): PalisadeError {
  return new PalisadeError('not_found', 'no such user', { details: { id } });
}

export class SqlUserRepository implements UserRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewUser): Promise<User> {
    const now = this.#ctx.clock.now();
    const row = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      username: input.username.toLowerCase(),
      extension: input.extension,
      display_name: input.displayName,
      email: input.email ?? null,
      mobile: input.mobile ?? null,
      state: input.state ?? 'active',
      is_super_admin: false,
      password_hash: input.passwordHash ?? null,
      password_changed_at: input.passwordHash ? now : null,
      created_at: now,
      updated_at: now,
    } as const;
    await guarded(() => this.#ctx.db.insertInto('users').values(row).execute(), {
      foreignKeyField: 'tenantId',
    });
    return toUser(row);
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.#ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByUsername(tenantId: string, username: string): Promise<User | null> {
    const row = await this.#ctx.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('username', '=', username.toLowerCase())
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByExtension(tenantId: string, extension: string): Promise<User | null> {
    const row = await this.#ctx.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('extension', '=', extension)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async list(tenantId: string, options?: ListOptions): Promise<User[]> {
    const { limit, offset } = paging(options);
    const rows = await this.#ctx.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('username')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toUser);
  }

  async count(tenantId: string): Promise<number> {
    const row = await this.#ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: string, patch: UserPatch): Promise<User> {
    const changes: Updateable<UsersTable> = {
      ...(patch.username !== undefined && { username: patch.username.toLowerCase() }),
      ...(patch.extension !== undefined && { extension: patch.extension }),
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.mobile !== undefined && { mobile: patch.mobile }),
      ...(patch.state !== undefined && { state: patch.state }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      ...(patch.passwordChangedAt !== undefined && {
        password_changed_at: patch.passwordChangedAt,
      }),
    };
    return this.#set(id, changes);
  }

  delete(id: string): Promise<boolean> {
    return deleteCredentialRow(this.#ctx, 'users', id);
  }

  promoteSuperAdmin(userId: string): Promise<User> {
    return this.#set(userId, { is_super_admin: true });
  }

  demoteSuperAdmin(userId: string): Promise<User> {
    return this.#set(userId, { is_super_admin: false });
  }

  async findSuperAdmin(): Promise<User | null> {
    const row = await this.#ctx.db
      .selectFrom('users')
      .selectAll()
      .where('is_super_admin', '=', true)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Applies `changes` and stamps updated_at; not_found when no row has `id`. */
  async #set(id: string, changes: Updateable<UsersTable>): Promise<User> {
    const row = await credentialWrite(this.#ctx, () =>
      guarded(() =>
        this.#ctx.db
          .updateTable('users')
          .set({ ...changes, updated_at: this.#ctx.clock.now() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      ),
    );
    if (!row) throw notFound(id);
    return toUser(row);
  }
}
