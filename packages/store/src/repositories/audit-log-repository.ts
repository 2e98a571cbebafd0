import type {
  AuditEntry,
  AuditLogRepository,
  AuditPage,
  AuditQuery,
  NewAuditEntry,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import type { RepositoryContext } from './repository-context.ts';

const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 1000;

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: Number(row.at),
    tenantId: row.tenant_id,
    actor: row.actor,
    action: row.action,
    target: row.target,
    remoteAddress: row.remote_address,
    remotePort: row.remote_port === null ? null : Number(row.remote_port),
    outcome: row.outcome,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

function auditLimit(limit: number | undefined): number {
  const wanted = Number.isFinite(limit) ? Math.trunc(limit!) : DEFAULT_AUDIT_LIMIT;
  return Math.min(Math.max(1, wanted), MAX_AUDIT_LIMIT);
}

export class SqlAuditLogRepository implements AuditLogRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = await guarded(() =>
      this.#ctx.db
        .insertInto('audit_log')
        .values({
          at: entry.at ?? this.#ctx.clock.now(),
          tenant_id: entry.tenantId ?? null,
          actor: entry.actor,
          action: entry.action,
          target: entry.target ?? null,
          remote_address: entry.remoteAddress ?? null,
          remote_port: entry.remotePort ?? null,
          outcome: entry.outcome,
          detail: JSON.stringify(entry.detail ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toEntry(row);
  }

  async query(filter: AuditQuery = {}): Promise<AuditPage> {
    const limit = auditLimit(filter.limit);
    let q = this.#ctx.db.selectFrom('audit_log').selectAll();
    if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
    if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
    if (filter.actionPrefix !== undefined) {
      const prefix = filter.actionPrefix;
      // Compared with substr rather than LIKE: no wildcard characters to escape.
      q = q.where((eb) =>
        eb.or([
          eb('action', '=', prefix),
          eb(
            eb.fn<string>('substr', ['action', eb.val(1), eb.val(prefix.length + 1)]),
            '=',
            `${prefix}.`,
          ),
        ]),
      );
    }
    if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('at', '<', filter.to);
    if (filter.cursor !== undefined) q = q.where('id', '<', filter.cursor);
    // One more row than asked tells whether another page follows.
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const entries = rows.slice(0, limit).map(toEntry);
    const last = entries.at(-1);
    return { entries, nextCursor: rows.length > limit && last ? last.id : null };
  }
}
