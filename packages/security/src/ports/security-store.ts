import type { ApiTokenRepository } from './api-token-repository.ts';
import type { AuditLogRepository } from './audit-log-repository.ts';
import type { SetupTokenRepository } from './setup-token-repository.ts';

export interface SecurityRepositories {
  readonly apiTokens: ApiTokenRepository;
  readonly setupTokens: SetupTokenRepository;
  readonly auditLog: AuditLogRepository;
}

/** As PbxStore: `transaction` commits when `work` resolves, rolls back when it throws. */
export interface SecurityStore extends SecurityRepositories {
  transaction<T>(work: (tx: SecurityRepositories) => Promise<T>): Promise<T>;
}
