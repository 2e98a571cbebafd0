import { randomUUID } from 'node:crypto';
import type {
  LinkedIdentity,
  LinkedIdentityRepository,
  NewLinkedIdentity,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { SsoIdentitiesTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import type { RepositoryContext } from './repository-context.ts';

function toIdentity(row: Selectable<SsoIdentitiesTable>): LinkedIdentity {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    providerId: row.provider_id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    linkedAt: Number(row.linked_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}

export class SqlLinkedIdentityRepository implements LinkedIdentityRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async link(input: NewLinkedIdentity): Promise<LinkedIdentity> {
    const row = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      user_id: input.userId,
      provider_id: input.providerId,
      issuer: input.issuer,
      subject: input.subject,
      email: input.email,
      linked_at: this.#ctx.clock.now(),
      last_login_at: null,
    };
    await guarded(() => this.#ctx.db.insertInto('sso_identities').values(row).execute(), {
      foreignKeyField: 'userId',
    });
    return toIdentity(row);
  }

  async find(tenantId: string, issuer: string, subject: string): Promise<LinkedIdentity | null> {
    const row = await this.#ctx.db
      .selectFrom('sso_identities')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row ? toIdentity(row) : null;
  }

  async findById(id: string): Promise<LinkedIdentity | null> {
    const row = await this.#ctx.db
      .selectFrom('sso_identities')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toIdentity(row) : null;
  }

  listOfUser(userId: string): Promise<LinkedIdentity[]> {
    return this.#listBy('user_id', userId);
  }

  listOfProvider(providerId: string): Promise<LinkedIdentity[]> {
    return this.#listBy('provider_id', providerId);
  }

  async #listBy(column: 'user_id' | 'provider_id', value: string): Promise<LinkedIdentity[]> {
    const rows = await this.#ctx.db
      .selectFrom('sso_identities')
      .selectAll()
      .where(column, '=', value)
      .orderBy('linked_at')
      .orderBy('id')
      .execute();
    return rows.map(toIdentity);
  }

  async touchLogin(id: string, at: number, email: string | null): Promise<void> {
    await guarded(() =>
      this.#ctx.db
        .updateTable('sso_identities')
        .set({ last_login_at: at, email })
        .where('id', '=', id)
        .execute(),
    );
  }

  async unlink(id: string): Promise<boolean> {
    const r = await this.#ctx.db
      .deleteFrom('sso_identities')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
