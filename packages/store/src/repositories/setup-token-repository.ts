import { randomUUID } from 'node:crypto';
import type { NewSetupToken, SetupToken, SetupTokenRepository } from '@palisade/security';
import { guarded } from './constraint-errors.ts';
import type { RepositoryContext } from './repository-context.ts';

export class SqlSetupTokenRepository implements SetupTokenRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewSetupToken): Promise<SetupToken> {
    const row = {
      id: randomUUID(),
      token_hash: input.tokenHash,
      created_at: this.#ctx.clock.now(),
      expires_at: input.expiresAt,
      used_at: null,
    };
    await guarded(() => this.#ctx.db.insertInto('setup_tokens').values(row).execute());
    return {
      id: row.id,
      tokenHash: row.token_hash,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      usedAt: null,
    };
  }

  async consume(tokenHash: string, now: number): Promise<boolean> {
    // One conditional UPDATE: of two concurrent consumers exactly one sees a changed row.
    const result = await this.#ctx.db
      .updateTable('setup_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async invalidateAll(): Promise<number> {
    const result = await this.#ctx.db.deleteFrom('setup_tokens').executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
