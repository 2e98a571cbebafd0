import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import type {
  CallClass,
  Cdr,
  CdrCauseSide,
  CdrDisposition,
  CdrFilter,
  CdrOutcome,
  CdrRepository,
  ListOptions,
  NewCdr,
} from '@palisade/pbx';
import type { Selectable } from 'kysely';
import type { CdrsTable } from '../schema/database.ts';
import { paging } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toCdr(row: Selectable<CdrsTable>): Cdr {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    callId: row.call_id,
    callerUserId: row.caller_user_id,
    callerDeviceId: row.caller_device_id,
    caller: row.caller,
    callee: row.callee,
    calleeUserId: row.callee_user_id,
    calleeDeviceId: row.callee_device_id,
    callClass: row.call_class as CallClass,
    startedAt: Number(row.started_at),
    answeredAt: num(row.answered_at),
    endedAt: num(row.ended_at),
    durationSeconds: Number(row.duration_seconds),
    disposition: row.disposition as CdrDisposition,
    hangupCause: row.hangup_cause,
    causeSide: row.cause_side as CdrCauseSide | null,
  };
}

/** Every statement is one autocommitted write: durable when the promise resolves. */
export class SqlCdrRepository implements CdrRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async begin(input: NewCdr): Promise<Cdr> {
    const row: CdrsTable = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      call_id: input.callId.slice(0, 256),
      caller_user_id: input.callerUserId,
      caller_device_id: input.callerDeviceId,
      caller: input.caller.slice(0, 64),
      callee: input.callee.slice(0, 64),
      callee_user_id: input.calleeUserId ?? null,
      callee_device_id: null,
      call_class: input.callClass,
      started_at: input.startedAt,
      answered_at: null,
      ended_at: null,
      duration_seconds: 0,
      disposition: 'in_progress',
      hangup_cause: null,
      cause_side: null,
    };
    await this.#ctx.db.insertInto('cdrs').values(row).execute();
    return toCdr(row);
  }

  async finish(id: string, outcome: CdrOutcome): Promise<boolean> {
    if (outcome.hangupCause.length === 0 || outcome.hangupCause.length > 64)
      throw new PalisadeError('validation_failed', 'hangup cause must be 1 to 64 characters', {
        details: { field: 'hangupCause' },
      });
    const duration =
      outcome.answeredAt === null
        ? 0
        : Math.max(0, Math.round((outcome.endedAt - outcome.answeredAt) / 1000));
    const result = await this.#ctx.db
      .updateTable('cdrs')
      .set({
        disposition: outcome.disposition,
        callee_user_id: outcome.calleeUserId,
        callee_device_id: outcome.calleeDeviceId,
        answered_at: outcome.answeredAt,
        ended_at: outcome.endedAt,
        duration_seconds: duration,
        hangup_cause: outcome.hangupCause,
        cause_side: outcome.causeSide,
      })
      .where('id', '=', id)
      .where('disposition', '=', 'in_progress')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async markInterrupted(now: number): Promise<number> {
    const result = await this.#ctx.db
      .updateTable('cdrs')
      .set({
        disposition: 'interrupted',
        ended_at: now,
        hangup_cause: 'restart',
        cause_side: 'system',
      })
      .where('disposition', '=', 'in_progress')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async findById(id: string): Promise<Cdr | null> {
    const row = await this.#ctx.db
      .selectFrom('cdrs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toCdr(row) : null;
  }

  async list(filter: CdrFilter, options?: ListOptions): Promise<Cdr[]> {
    const { limit, offset } = paging(options);
    let q = this.#ctx.db.selectFrom('cdrs').selectAll().where('tenant_id', '=', filter.tenantId);
    if (filter.from !== undefined) q = q.where('started_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('started_at', '<', filter.to);
    if (filter.disposition !== undefined) q = q.where('disposition', '=', filter.disposition);
    const { userId, number } = filter;
    if (userId !== undefined)
      q = q.where((eb) =>
        eb.or([eb('caller_user_id', '=', userId), eb('callee_user_id', '=', userId)]),
      );
    if (number !== undefined)
      q = q.where((eb) => eb.or([eb('caller', '=', number), eb('callee', '=', number)]));
    const rows = await q
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toCdr);
  }
}
