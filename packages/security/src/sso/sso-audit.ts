/** Audit entries of SSO: logins, failures with their category, links, unlinks, sync runs. */
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { SsoFailureReason } from './sso-authentication.ts';

export interface SsoRemote {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

export type SsoAuditAction =
  | 'sso.login'
  | 'sso.link'
  | 'sso.unlink'
  | 'sso.account-create'
  | 'sso.sync'
  | 'sso.provider-create'
  | 'sso.provider-update'
  | 'sso.provider-delete'
  /** A re-authentication through the IdP or the directory (refusals; successes are the login's). */
  | 'auth.reauth';

export interface SsoAuditRecord {
  readonly action: SsoAuditAction;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly tenantId: string | null;
  readonly actor?: string;
  readonly userId?: string | null;
  readonly providerId: string;
  readonly reason?: SsoFailureReason;
  readonly remote?: SsoRemote;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export async function recordSso(audit: AuditTrail, r: SsoAuditRecord): Promise<void> {
  await audit.record({
    actor: r.actor ?? (r.userId ? `user:${r.userId}` : 'anonymous'),
    action: r.action,
    outcome: r.outcome,
    tenantId: r.tenantId,
    target: r.userId ? `user:${r.userId}` : null,
    remoteAddress: r.remote?.remoteAddress,
    remotePort: r.remote?.remotePort,
    detail: {
      providerId: r.providerId,
      ...(r.reason ? { reason: r.reason } : {}),
      ...r.detail,
    },
  });
}
