/**
 * Opens storage and builds the domain services on it. The server and every
 * CLI command share this, so both act through the same rules and audit trail.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock, type Logger, type SecurityEventSink } from '@palisade/common';
import {
  CallSettingsService,
  CdrService,
  DeviceService,
  GroupService,
  RegistrationService,
  SetupService,
  TenantService,
  UserService,
  type DirectoryDeps,
} from '@palisade/pbx';
import {
  ApiTokenService,
  AuditTrail,
  checkPassword,
  hashPassword,
  PASSWORD_POLICY_PRESETS,
  WebphoneTokenService,
} from '@palisade/security';
import { openStore, type Store } from '@palisade/store';
import type { PalisadeConfig } from './config/schema.ts';
import { buildIdentity, type Identity } from './identity/build-identity.ts';
import { WebphoneIssuer } from './webphone/webphone-issuer.ts';
import { revokeWebphoneWithSessions } from './webphone/webphone-revocation.ts';
import type { Tenant } from '@palisade/pbx';
import { identitySsoSessionPort, type SsoApiServices } from '@palisade/api';
import { buildSso } from './sso/build-sso.ts';
import { loadMasterKey } from './secrets/master-key.ts';

export interface Domain {
  readonly store: Store;
  readonly audit: AuditTrail;
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly devices: DeviceService;
  readonly groups: GroupService;
  readonly tokens: ApiTokenService;
  readonly setup: SetupService;
  readonly registrations: RegistrationService;
  readonly cdrs: CdrService;
  /** Dial plan, ring groups, and each user's do-not-disturb and forwarding (PRODUCT §A6). */
  readonly callSettings: CallSettingsService;
  /** The browser softphone's short-lived SIP credentials (issue 6). */
  readonly webphoneTokens: WebphoneTokenService;
  readonly webphone: WebphoneIssuer;
  readonly defaultTenant: Tenant;
  // identity (issue 5): login, sessions, second factors, origins, call classes
  readonly identity: Identity;
  readonly sso: SsoApiServices;
  close(): Promise<void>;
}

/**
 * The super-admin's password at first start: the `standards` policy with a
 * second factor enforced (admins always need one), so NIST's 12-character
 * minimum with MFA, the common-password blocklist and the account's own words.
 */
async function firstRunPasswordProblems(
  password: string,
  context: readonly string[],
): Promise<string[]> {
  const [username, displayName, extension] = context;
  const problems = await checkPassword(password, PASSWORD_POLICY_PRESETS.standards, {
    ...(username !== undefined ? { username } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(extension !== undefined ? { extension } : {}),
    mfaEnforced: true,
  });
  return problems.map((p) => p.message);
}

export function defaultSipDomain(config: PalisadeConfig): string {
  return (config.sip.domain || hostname()).toLowerCase();
}

export async function openDomain(
  config: PalisadeConfig,
  dataDir: string,
  logger: Logger,
  events: SecurityEventSink,
  clock: Clock = systemClock,
): Promise<Domain> {
  const store = await openStore(
    config.database.url
      ? { kind: 'postgres', url: config.database.url }
      : { kind: 'sqlite', path: join(dataDir, 'palisade.db') },
    logger,
    clock,
  );
  try {
    await store.migrate();
    const audit = new AuditTrail(store.auditLog, events, clock, logger);
    const deps: DirectoryDeps = { store, audit, clock };
    const tenants = new TenantService(deps);
    const defaultTenant = await tenants.ensureDefault(defaultSipDomain(config));
    // identity (issue 5)
    const masterKey = loadMasterKey(dataDir, config.secrets.keyFile);
    const identity = buildIdentity({
      config,
      masterKey,
      store,
      audit,
      clock,
      logger,
      events,
      defaultTenantId: defaultTenant.id,
      publicUrl: config.http.publicUrl ?? `https://${hostname()}:${config.http.port}`,
    });
    const devices = new DeviceService(deps);
    const webphoneTokens = new WebphoneTokenService({ clock });
    revokeWebphoneWithSessions(identity.sessions, webphoneTokens);
    return {
      identity,
      store,
      audit,
      tenants,
      users: new UserService(deps),
      devices,
      groups: new GroupService(deps),
      tokens: new ApiTokenService(store.apiTokens, clock, audit),
      setup: new SetupService({
        store,
        setupTokens: store.setupTokens,
        audit,
        clock,
        hashPassword: (pw) => hashPassword(pw),
        checkPassword: firstRunPasswordProblems,
      }),
      registrations: new RegistrationService(store.registrations, clock),
      cdrs: new CdrService(store.cdrs),
      callSettings: new CallSettingsService(deps),
      webphoneTokens,
      webphone: new WebphoneIssuer({
        store,
        devices,
        tokens: webphoneTokens,
        publicUrl: () => identity.publicUrl.get(),
        wsPath: config.sip.wsPath,
      }),
      defaultTenant,
      sso: buildSso(store, audit, clock, logger, {
        key: masterKey,
        publicUrl: config.http.publicUrl ?? `https://${hostname()}:${config.http.port}`,
        firstExtension: config.sso.firstExtension,
        // The SSO hand-over ends in the web login's session step.
        session: identitySsoSessionPort(identity, {
          appPath: '/',
          now: () => clock.now(),
        }),
        mfaRequired: async (userId) => (await identity.directory.access(userId)).mfaRequired,
      }),
      close: async () => {
        identity.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
