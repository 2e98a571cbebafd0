import type { ApiTokenRepository } from './api-token-repository.ts';
import type { BanRepository } from './ban-repository.ts';
import type { AuditLogRepository } from './audit-log-repository.ts';
import type { KnownNetworkRepository } from './known-network-repository.ts';
import type { LoginThrottleRepository } from './login-throttle-repository.ts';
import type { MfaFactorRepository } from './mfa-factor-repository.ts';
import type { OneTimeCodeRepository } from './one-time-code-repository.ts';
import type { SetupTokenRepository } from './setup-token-repository.ts';
import type { WebSessionRepository } from './web-session-repository.ts';
import type { LinkedIdentityRepository } from '../sso/ports/linked-identity-repository.ts';
import type { SsoPolicyRepository } from '../sso/ports/sso-policy-repository.ts';
import type { SsoProviderRepository } from '../sso/ports/sso-provider-repository.ts';
import type { SsoSyncRunRepository } from '../sso/ports/sso-sync-run-repository.ts';

export interface SecurityRepositories {
  readonly apiTokens: ApiTokenRepository;
  readonly setupTokens: SetupTokenRepository;
  readonly auditLog: AuditLogRepository;
  readonly webSessions: WebSessionRepository;
  readonly loginThrottle: LoginThrottleRepository;
  readonly mfaFactors: MfaFactorRepository;
  readonly oneTimeCodes: OneTimeCodeRepository;
  readonly knownNetworks: KnownNetworkRepository;
  readonly ssoProviders: SsoProviderRepository;
  readonly linkedIdentities: LinkedIdentityRepository;
  readonly ssoPolicies: SsoPolicyRepository;
  readonly ssoSyncRuns: SsoSyncRunRepository;
  readonly bans: BanRepository;
}

/** As PbxStore: `transaction` commits when `work` resolves, rolls back when it throws. */
export interface SecurityStore extends SecurityRepositories {
  transaction<T>(work: (tx: SecurityRepositories) => Promise<T>): Promise<T>;
}
