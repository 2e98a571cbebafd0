import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import type { ApiToken, ApiTokenRepository, NewApiToken } from '@palisade/security';
import type { Selectable } from 'kysely';
import type { ApiTokensTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { parseStringArray } from './string-array.ts';
import type { RepositoryContext } from './repository-context.ts';

function optionalTime(value: number | null): number | null {
  return value === null ? null : Number(value);
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    tokenHash: row.token_hash,
    scopes: parseStringArray(row.scopes),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    expiresAt: optionalTime(row.expires_at),
    lastUsedAt: optionalTime(row.last_used_at),
    revokedAt: optionalTime(row.revoked_at),
  };
}

export class SqlApiTokenRepository implements ApiTokenRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewApiToken): Promise<ApiToken> {
    const row = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      name: input.name,
      token_hash: input.tokenHash,
      scopes: JSON.stringify(input.scopes),
      created_by: input.createdBy,
      created_at: this.#ctx.clock.now(),
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    };
    await guarded(() => this.#ctx.db.insertInto('api_tokens').values(row).execute(), {
      foreignKeyField: 'tenantId',
    });
    return toApiToken(row);
  }

  async findById(id: string): Promise<ApiToken | null> {
    const row = await this.#ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toApiToken(row) : null;
  }

  async findActiveByHash(tokenHash: string, now: number): Promise<ApiToken | null> {
    // Looked up by an index on the hash of a high-entropy token: the lookup
    // time reveals nothing usable about other tokens.
    const row = await this.#ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    return row ? toApiToken(row) : null;
  }

  async touchLastUsed(id: string, at: number): Promise<void> {
    await this.#ctx.db
      .updateTable('api_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .execute();
  }

  async revoke(id: string, at: number): Promise<ApiToken> {
    await this.#ctx.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    const token = await this.findById(id);
    if (!token) throw new PalisadeError('not_found', 'no such API token', { details: { id } });
    return token;
  }

  async list(tenantId: string): Promise<ApiToken[]> {
    const rows = await this.#ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toApiToken);
  }
}
