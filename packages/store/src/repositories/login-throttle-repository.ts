import type { LoginThrottleRepository, ThrottleState } from '@palisade/security';
import type { Selectable } from 'kysely';
import type { LoginThrottleTable } from '../schema/database.ts';
import type { RepositoryContext } from './repository-context.ts';

function toState(r: Selectable<LoginThrottleTable>): ThrottleState {
  return {
    accountKey: r.account_key,
    address: r.address,
    failures: Number(r.failures),
    lastFailureAt: Number(r.last_failure_at),
    lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
  };
}

export class SqlLoginThrottleRepository implements LoginThrottleRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async get(accountKey: string, address: string): Promise<ThrottleState | null> {
    const r = await this.#ctx.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('account_key', '=', accountKey)
      .where('address', '=', address)
      .executeTakeFirst();
    return r ? toState(r) : null;
  }

  async put(s: ThrottleState): Promise<void> {
    const values = {
      failures: s.failures,
      last_failure_at: s.lastFailureAt,
      locked_until: s.lockedUntil,
    };
    await this.#ctx.db
      .insertInto('login_throttle')
      .values({ account_key: s.accountKey, address: s.address, ...values })
      .onConflict((oc) => oc.columns(['account_key', 'address']).doUpdateSet(values))
      .execute();
  }

  async delete(accountKey: string, address: string): Promise<void> {
    await this.#ctx.db
      .deleteFrom('login_throttle')
      .where('account_key', '=', accountKey)
      .where('address', '=', address)
      .execute();
  }

  async deleteAccount(accountKey: string): Promise<number> {
    const r = await this.#ctx.db
      .deleteFrom('login_throttle')
      .where('account_key', '=', accountKey)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async listLocked(accountKey: string, now: number): Promise<ThrottleState[]> {
    const rows = await this.#ctx.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('account_key', '=', accountKey)
      .where('locked_until', '>', now)
      .orderBy('address')
      .execute();
    return rows.map(toState);
  }
}
