import type { LdapSyncReport } from '../ldap/ldap-sync-report.ts';

export interface SsoSyncRun {
  readonly id: string;
  readonly tenantId: string;
  readonly providerId: string;
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: 'success' | 'failure';
  readonly report: LdapSyncReport;
}

export type NewSsoSyncRun = Omit<SsoSyncRun, 'id'>;

export interface SsoSyncRunRepository {
  record(run: NewSsoSyncRun): Promise<SsoSyncRun>;
  /** Newest first, at most `limit` (capped at 100). */
  list(providerId: string, limit?: number): Promise<SsoSyncRun[]>;
}
