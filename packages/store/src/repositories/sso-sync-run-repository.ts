import { randomUUID } from 'node:crypto';
import type {
  LdapSyncReport,
  NewSsoSyncRun,
  SsoSyncRun,
  SsoSyncRunRepository,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { SsoSyncRunsTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { toBool } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

const MAX_LIST = 100;

function toRun(row: Selectable<SsoSyncRunsTable>): SsoSyncRun {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    providerId: row.provider_id,
    dryRun: toBool(row.dry_run),
    startedAt: Number(row.started_at),
    finishedAt: Number(row.finished_at),
    outcome: row.outcome,
    report: JSON.parse(row.report) as LdapSyncReport,
  };
}

export class SqlSsoSyncRunRepository implements SsoSyncRunRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async record(run: NewSsoSyncRun): Promise<SsoSyncRun> {
    const row = {
      id: randomUUID(),
      tenant_id: run.tenantId,
      provider_id: run.providerId,
      dry_run: run.dryRun,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      outcome: run.outcome,
      report: JSON.stringify(run.report),
    };
    await guarded(() => this.#ctx.db.insertInto('sso_sync_runs').values(row).execute(), {
      foreignKeyField: 'providerId',
    });
    return toRun(row);
  }

  async list(providerId: string, limit = 20): Promise<SsoSyncRun[]> {
    const rows = await this.#ctx.db
      .selectFrom('sso_sync_runs')
      .selectAll()
      .where('provider_id', '=', providerId)
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(Math.min(Math.max(1, Math.trunc(limit)), MAX_LIST))
      .execute();
    return rows.map(toRun);
  }
}
