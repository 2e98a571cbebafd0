/**
 * Opens storage and builds the domain services on it. The server and every
 * CLI command share this, so both act through the same rules and audit trail.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock, type Logger, type SecurityEventSink } from '@palisade/common';
import {
  DeviceService,
  GroupService,
  RegistrationService,
  SetupService,
  TenantService,
  UserService,
  type DirectoryDeps,
} from '@palisade/pbx';
import { ApiTokenService, AuditTrail, hashPassword } from '@palisade/security';
import { openStore, type Store } from '@palisade/store';
import type { PalisadeConfig } from './config/schema.ts';
import { buildIdentity, type Identity } from './identity/build-identity.ts';
import type { Tenant } from '@palisade/pbx';

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
  readonly defaultTenant: Tenant;
  // identity (issue 5): login, sessions, second factors, origins, call classes
  readonly identity: Identity;
  close(): Promise<void>;
}

/**
 * The super-admin's password at first start: NIST SP 800-63B-4 length (15),
 * not one of the account's own words. The full tenant policy (blocklist,
 * presets) applies once the identity module is wired.
 */
function firstRunPasswordProblems(password: string, context: readonly string[]): string[] {
  const problems: string[] = [];
  if ([...password].length < 15) problems.push('use at least 15 characters');
  if ([...password].length > 256) problems.push('use at most 256 characters');
  const lower = password.toLowerCase();
  if (
    context.some((w) => w.length >= 3 && lower.includes(w.toLowerCase())) ||
    lower.includes('palisade')
  ) {
    problems.push('do not use your name, login, extension or the product name');
  }
  return problems;
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
    const identity = buildIdentity({
      config,
      store,
      audit,
      clock,
      logger,
      events,
      defaultTenantId: defaultTenant.id,
      publicUrl: config.http.publicUrl ?? `https://${hostname()}:${config.http.port}`,
    });
    return {
      identity,
      store,
      audit,
      tenants,
      users: new UserService(deps),
      devices: new DeviceService(deps),
      groups: new GroupService(deps),
      tokens: new ApiTokenService(store.apiTokens, clock),
      setup: new SetupService({
        store,
        setupTokens: store.setupTokens,
        audit,
        clock,
        hashPassword: (pw) => hashPassword(pw),
        checkPassword: firstRunPasswordProblems,
      }),
      registrations: new RegistrationService(store.registrations, clock),
      defaultTenant,
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
