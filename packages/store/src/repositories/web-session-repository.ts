import { randomUUID } from 'node:crypto';
import type {
  NewWebSession,
  WebSession,
  WebSessionPatch,
  WebSessionRepository,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { WebSessionsTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { toBool, type RepositoryContext } from './repository-context.ts';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toSession(r: Selectable<WebSessionsTable>): WebSession {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    csrfHash: r.csrf_hash,
    tenantId: r.tenant_id,
    userId: r.user_id,
    kind: r.kind,
    stage: r.stage,
    mustEnrolMfa: toBool(r.must_enrol_mfa),
    createdAt: Number(r.created_at),
    lastSeenAt: Number(r.last_seen_at),
    expiresAt: Number(r.expires_at),
    idleTimeoutMs: Number(r.idle_timeout_ms),
    authenticatedAt: Number(r.authenticated_at),
    remoteAddress: r.remote_address,
    userAgent: r.user_agent,
    revokedAt: num(r.revoked_at),
    revokeReason: r.revoke_reason,
  };
}

export class SqlWebSessionRepository implements WebSessionRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewWebSession): Promise<WebSession> {
    const now = this.#ctx.clock.now();
    const row = {
      id: randomUUID(),
      token_hash: input.tokenHash,
      csrf_hash: input.csrfHash,
      tenant_id: input.tenantId,
      user_id: input.userId,
      kind: input.kind,
      stage: input.stage,
      must_enrol_mfa: input.mustEnrolMfa,
      created_at: now,
      last_seen_at: now,
      expires_at: input.expiresAt,
      idle_timeout_ms: input.idleTimeoutMs,
      authenticated_at: input.authenticatedAt,
      remote_address: input.remoteAddress.slice(0, 64),
      user_agent: input.userAgent.slice(0, 256),
      revoked_at: null,
      revoke_reason: null,
    };
    await guarded(() => this.#ctx.db.insertInto('web_sessions').values(row).execute());
    return toSession({ ...row, must_enrol_mfa: input.mustEnrolMfa });
  }

  async findById(id: string): Promise<WebSession | null> {
    const r = await this.#ctx.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toSession(r) : null;
  }

  async findByTokenHash(tokenHash: string): Promise<WebSession | null> {
    const r = await this.#ctx.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return r ? toSession(r) : null;
  }

  async update(id: string, patch: WebSessionPatch): Promise<WebSession | null> {
    const set = {
      ...(patch.tokenHash !== undefined ? { token_hash: patch.tokenHash } : {}),
      ...(patch.csrfHash !== undefined ? { csrf_hash: patch.csrfHash } : {}),
      ...(patch.stage !== undefined ? { stage: patch.stage } : {}),
      ...(patch.mustEnrolMfa !== undefined ? { must_enrol_mfa: patch.mustEnrolMfa } : {}),
      ...(patch.lastSeenAt !== undefined ? { last_seen_at: patch.lastSeenAt } : {}),
      ...(patch.expiresAt !== undefined ? { expires_at: patch.expiresAt } : {}),
      ...(patch.idleTimeoutMs !== undefined ? { idle_timeout_ms: patch.idleTimeoutMs } : {}),
      ...(patch.authenticatedAt !== undefined ? { authenticated_at: patch.authenticatedAt } : {}),
    };
    if (Object.keys(set).length > 0) {
      const result = await guarded(() =>
        this.#ctx.db
          .updateTable('web_sessions')
          .set(set)
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst(),
      );
      if (result.numUpdatedRows === 0n) return null;
    }
    const s = await this.findById(id);
    return s && s.revokedAt === null ? s : null;
  }

  async revoke(id: string, at: number, reason: string): Promise<boolean> {
    const result = await this.#ctx.db
      .updateTable('web_sessions')
      .set({ revoked_at: at, revoke_reason: reason.slice(0, 64) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async revokeAllOfUser(
    userId: string,
    at: number,
    reason: string,
    exceptId?: string,
  ): Promise<number> {
    let q = this.#ctx.db
      .updateTable('web_sessions')
      .set({ revoked_at: at, revoke_reason: reason.slice(0, 64) })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listLive(
    filter: { userId?: string; tenantId?: string },
    now: number,
  ): Promise<WebSession[]> {
    let q = this.#ctx.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now);
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(1000).execute();
    return rows.map(toSession);
  }
}
