/** Builds the single sign-on services on the store (the SSO part of the domain). */
import type { Clock, Logger } from '@palisade/common';
import { unwiredSsoSessionPort, type SsoApiServices, type SsoSessionPort } from '@palisade/api';
import { SsoAccountDirectory, type DirectoryDeps } from '@palisade/pbx';
import {
  LdapSsoService,
  LinkedIdentityService,
  MemoryLoginLimiter,
  OidcLoginService,
  SecretBox,
  SsoIdentityResolver,
  SsoLocalLoginGate,
  SsoProviderAdmin,
  type AuditTrail,
} from '@palisade/security';
import type { Store } from '@palisade/store';

export interface SsoBuildOptions {
  readonly key: Buffer;
  readonly publicUrl: string;
  readonly firstExtension: number;
  /** The web session layer's port; unwired until web sessions exist. */
  readonly session?: SsoSessionPort;
  /** The tenant's "MFA required" rule (default: admins only). */
  readonly mfaRequired?: (userId: string) => Promise<boolean>;
}

export function buildSso(
  store: Store,
  audit: AuditTrail,
  clock: Clock,
  logger: Logger,
  options: SsoBuildOptions,
): SsoApiServices {
  const deps: DirectoryDeps = { store, audit, clock };
  const accounts = new SsoAccountDirectory(deps, {
    firstExtension: options.firstExtension,
    ...(options.mfaRequired ? { mfaRequired: options.mfaRequired } : {}),
  });
  const secretBox = new SecretBox(options.key, 'sso-provider-secret');
  const pendingBox = new SecretBox(options.key, 'sso-pending-login');
  const log = logger.child({ component: 'sso' });
  return {
    providers: new SsoProviderAdmin({
      providers: store.ssoProviders,
      secretBox,
      audit,
      publicUrl: options.publicUrl,
    }),
    oidc: new OidcLoginService({
      providers: store.ssoProviders,
      resolver: new SsoIdentityResolver(store.linkedIdentities, accounts, clock),
      identities: store.linkedIdentities,
      accounts,
      audit,
      clock,
      pendingBox,
      secretBox,
    }),
    ldap: new LdapSsoService({
      providers: store.ssoProviders,
      identities: store.linkedIdentities,
      accounts,
      syncRuns: store.ssoSyncRuns,
      audit,
      clock,
      secretBox,
      logger: log,
      limiter: new MemoryLoginLimiter(clock),
    }),
    identities: new LinkedIdentityService(store.linkedIdentities, store.ssoPolicies, audit),
    localLogin: new SsoLocalLoginGate(store.ssoPolicies),
    policies: store.ssoPolicies,
    runs: store.ssoSyncRuns,
    session: options.session ?? unwiredSsoSessionPort,
    appPath: '/',
  };
}
