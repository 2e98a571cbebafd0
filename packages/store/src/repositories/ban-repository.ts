import type { Ban, BanRepository, NewBan } from '@palisade/security';
import type { Selectable } from 'kysely';
import type { IpBansTable } from '../schema/database.ts';
import type { RepositoryContext } from './repository-context.ts';

function toBan(r: Selectable<IpBansTable>): Ban {
  return {
    address: r.address,
    rule: r.rule,
    origin: r.origin,
    offence: Number(r.offence),
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    liftedAt: r.lifted_at === null ? null : Number(r.lifted_at),
  };
}

export class SqlBanRepository implements BanRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async put(ban: NewBan): Promise<Ban> {
    const values = {
      rule: ban.rule,
      origin: ban.origin,
      offence: ban.offence,
      reason: ban.reason,
      created_by: ban.createdBy,
      created_at: ban.createdAt,
      expires_at: ban.expiresAt,
      lifted_at: null,
    };
    await this.#ctx.db
      .insertInto('ip_bans')
      .values({ address: ban.address, ...values })
      .onConflict((oc) => oc.column('address').doUpdateSet(values))
      .execute();
    return { ...ban, liftedAt: null };
  }

  async find(address: string): Promise<Ban | null> {
    const r = await this.#ctx.db
      .selectFrom('ip_bans')
      .selectAll()
      .where('address', '=', address)
      .executeTakeFirst();
    return r ? toBan(r) : null;
  }

  async listActive(now: number, limit = 100_000): Promise<Ban[]> {
    const rows = await this.#ctx.db
      .selectFrom('ip_bans')
      .selectAll()
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at')
      .orderBy('address')
      .limit(Math.min(Math.max(1, Math.trunc(limit)), 100_000))
      .execute();
    return rows.map(toBan);
  }

  async listOffenders(limit: number): Promise<Ban[]> {
    const rows = await this.#ctx.db
      .selectFrom('ip_bans')
      .selectAll()
      .orderBy('offence', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('address')
      .limit(Math.min(Math.max(1, Math.trunc(limit)), 10_000))
      .execute();
    return rows.map(toBan);
  }

  async lift(address: string, at: number): Promise<boolean> {
    const r = await this.#ctx.db
      .updateTable('ip_bans')
      .set({ lifted_at: at })
      .where('address', '=', address)
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async purgeEndedBefore(before: number): Promise<number> {
    const r = await this.#ctx.db
      .deleteFrom('ip_bans')
      .where((eb) => eb.or([eb('lifted_at', '<', before), eb('expires_at', '<', before)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
