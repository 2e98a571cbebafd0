import type { KnownNetworkRepository } from '@palisade/security';
import type { RepositoryContext } from './repository-context.ts';

export class SqlKnownNetworkRepository implements KnownNetworkRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async isKnown(userId: string, prefix: string, now: number): Promise<boolean> {
    const r = await this.#ctx.db
      .selectFrom('known_networks')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('prefix', '=', prefix)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return r !== undefined;
  }

  async remember(userId: string, prefix: string, now: number, expiresAt: number): Promise<void> {
    await this.#ctx.db
      .insertInto('known_networks')
      .values({
        user_id: userId,
        prefix,
        first_seen_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'prefix']).doUpdateSet({ last_seen_at: now, expires_at: expiresAt }),
      )
      .execute();
  }
}
