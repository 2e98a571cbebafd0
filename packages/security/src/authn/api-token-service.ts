/**
 * Issues, checks and revokes API tokens (PRODUCT §C10). A token carries
 * scopes, a subset of the permissions of whoever created it; the plain token
 * is returned once and only its hash is stored.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import { generateApiToken, hashApiToken, parseApiToken } from '../crypto/api-token.ts';
import { isPermission, permits } from '../authz/permissions.ts';
import type { ApiToken, ApiTokenRepository } from '../ports/api-token-repository.ts';
import { auditSource, type AuditSource, type AuditTrail } from '../audit/audit-trail.ts';

export interface IssuedApiToken {
  readonly token: string;
  readonly record: Omit<ApiToken, 'tokenHash'>;
}

/** Only a use this long after the last recorded one is written, to keep checks cheap. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function tokenView(t: ApiToken): Omit<ApiToken, 'tokenHash'> {
  const { tokenHash: _h, ...view } = t;
  return view;
}

export class ApiTokenService {
  readonly #repo: ApiTokenRepository;
  readonly #clock: Clock;
  readonly #audit: AuditTrail;

  constructor(repo: ApiTokenRepository, clock: Clock, audit: AuditTrail) {
    this.#repo = repo;
    this.#clock = clock;
    this.#audit = audit;
  }

  /**
   * Creates a token for `tenantId` with `scopes`. `granterPermissions` is what
   * the creator holds (null for the CLI on the host, which may grant any
   * scope): a token never gets more than its creator.
   */
  async issue(input: {
    tenantId: string;
    name: string;
    scopes: readonly string[];
    /** Who creates it; recorded as its creator and in the audit trail. */
    by: AuditSource;
    expiresInDays?: number;
    granterPermissions: ReadonlySet<string> | null;
  }): Promise<IssuedApiToken> {
    if (!/^[^\p{Cc}]{1,64}$/u.test(input.name)) {
      throw new PalisadeError(
        'validation_failed',
        'name must be 1–64 characters, no control characters',
        { details: { field: 'name' } },
      );
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0)
      throw new PalisadeError('validation_failed', 'a token needs at least one scope', {
        details: { field: 'scopes' },
      });
    for (const s of scopes) {
      if (!isPermission(s))
        throw new PalisadeError('validation_failed', `unknown scope: ${s.slice(0, 64)}`, {
          details: { field: 'scopes' },
        });
      if (input.granterPermissions && !permits(input.granterPermissions, s)) {
        throw new PalisadeError('forbidden', `you cannot grant the scope ${s}: you do not hold it`);
      }
    }
    const days = input.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      throw new PalisadeError(
        'validation_failed',
        'expiresInDays must be a whole number from 1 to 3650',
        { details: { field: 'expiresInDays' } },
      );
    }
    const generated = generateApiToken();
    const record = await this.#repo.create({
      tenantId: input.tenantId,
      name: input.name,
      tokenHash: generated.lookupHash,
      scopes: scopes.sort(),
      createdBy: input.by.id,
      expiresAt: days === undefined ? null : this.#clock.now() + days * 86_400_000,
    });
    await this.#audit.record({
      ...auditSource(input.by),
      action: 'token.create',
      outcome: 'success',
      tenantId: record.tenantId,
      target: `token:${record.id}`,
      detail: { name: record.name, scopes: record.scopes },
    });
    return { token: generated.token, record: tokenView(record) };
  }

  /** The active token a presented bearer value names, or null (malformed, unknown, revoked or expired alike). */
  async authenticate(presented: string): Promise<ApiToken | null> {
    if (!parseApiToken(presented)) return null;
    const now = this.#clock.now();
    // The lookup is by a hash of the whole token, so no timing of a string comparison reveals anything.
    const token = await this.#repo.findActiveByHash(hashApiToken(presented), now);
    if (!token) return null;
    if (token.lastUsedAt === null || now - token.lastUsedAt > LAST_USED_RESOLUTION_MS)
      await this.#repo.touchLastUsed(token.id, now);
    return token;
  }

  /** Revokes a token of `tenantId` (null: any tenant). */
  async revoke(
    id: string,
    tenantId: string | null,
    by: AuditSource,
  ): Promise<Omit<ApiToken, 'tokenHash'>> {
    const token = await this.#repo.findById(id);
    if (!token || (tenantId !== null && token.tenantId !== tenantId))
      throw new PalisadeError('not_found', 'token not found');
    const revoked = await this.#repo.revoke(id, this.#clock.now());
    await this.#audit.record({
      ...auditSource(by),
      action: 'token.revoke',
      outcome: 'success',
      tenantId: revoked.tenantId,
      target: `token:${revoked.id}`,
    });
    return tokenView(revoked);
  }

  async list(tenantId: string): Promise<Omit<ApiToken, 'tokenHash'>[]> {
    return (await this.#repo.list(tenantId)).map(tokenView);
  }
}
