import { randomUUID } from 'node:crypto';
import type {
  NewOneTimeCode,
  OneTimeCode,
  OneTimeCodePurpose,
  OneTimeCodeRepository,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { OneTimeCodesTable } from '../schema/database.ts';
import type { RepositoryContext } from './repository-context.ts';

function toCode(r: Selectable<OneTimeCodesTable>): OneTimeCode {
  return {
    id: r.id,
    purpose: r.purpose,
    tenantId: r.tenant_id,
    userId: r.user_id,
    codeHash: r.code_hash,
    boundTo: r.bound_to,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null ? null : Number(r.used_at),
    attempts: Number(r.attempts),
  };
}

export class SqlOneTimeCodeRepository implements OneTimeCodeRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewOneTimeCode): Promise<OneTimeCode> {
    const row = {
      id: randomUUID(),
      purpose: input.purpose,
      tenant_id: input.tenantId,
      user_id: input.userId,
      code_hash: input.codeHash,
      bound_to: input.boundTo ?? null,
      created_at: this.#ctx.clock.now(),
      expires_at: input.expiresAt,
      used_at: null,
      attempts: 0,
    };
    await this.#ctx.db.insertInto('one_time_codes').values(row).execute();
    return toCode(row);
  }

  #active(purpose: OneTimeCodePurpose, now: number) {
    return this.#ctx.db
      .selectFrom('one_time_codes')
      .selectAll()
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now);
  }

  async findActiveByHash(
    purpose: OneTimeCodePurpose,
    codeHash: string,
    now: number,
  ): Promise<OneTimeCode | null> {
    const r = await this.#active(purpose, now).where('code_hash', '=', codeHash).executeTakeFirst();
    return r ? toCode(r) : null;
  }

  async findActiveBound(
    purpose: OneTimeCodePurpose,
    boundTo: string,
    now: number,
  ): Promise<OneTimeCode | null> {
    const r = await this.#active(purpose, now)
      .where('bound_to', '=', boundTo)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r ? toCode(r) : null;
  }

  async consume(id: string, now: number): Promise<boolean> {
    const r = await this.#ctx.db
      .updateTable('one_time_codes')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  async countAttempt(id: string): Promise<number> {
    await this.#ctx.db
      .updateTable('one_time_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .execute();
    const r = await this.#ctx.db
      .selectFrom('one_time_codes')
      .select('attempts')
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? Number(r.attempts) : 0;
  }

  async countSince(
    filter: { userId?: string; tenantId?: string },
    purpose: OneTimeCodePurpose,
    since: number,
  ): Promise<number> {
    let q = this.#ctx.db
      .selectFrom('one_time_codes')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('purpose', '=', purpose)
      .where('created_at', '>=', since);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
    const r = await q.executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
