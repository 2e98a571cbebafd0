/**
 * The store: every repository of pbx and security over one database, the
 * unit of work, migrations, health and shutdown.
 */
import type { Clock, Logger } from '@palisade/common';
import type { CredentialChanges, PbxRepositories, PbxStore } from '@palisade/pbx';
import type { SecurityRepositories, SecurityStore } from '@palisade/security';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from './migrations/migration.ts';
import { migrations } from './migrations/index.ts';
import { migrate } from './migrations/migrator.ts';
import type { MigrationReport } from './migrations/migrator.ts';
import { SqlBanRepository } from './repositories/ban-repository.ts';
import { SqlApiTokenRepository } from './repositories/api-token-repository.ts';
import { SqlAuditLogRepository } from './repositories/audit-log-repository.ts';
import { SqlCdrRepository } from './repositories/cdr-repository.ts';
import { SqlDeviceRepository } from './repositories/device-repository.ts';
import { SqlKnownNetworkRepository } from './repositories/known-network-repository.ts';
import { SqlLoginThrottleRepository } from './repositories/login-throttle-repository.ts';
import { SqlMfaFactorRepository } from './repositories/mfa-factor-repository.ts';
import { SqlOneTimeCodeRepository } from './repositories/one-time-code-repository.ts';
import { SqlPresenceRepository } from './repositories/presence-repository.ts';
import { SqlWebSessionRepository } from './repositories/web-session-repository.ts';
import { SqlGroupRepository } from './repositories/group-repository.ts';
import { SqlRegistrationRepository } from './repositories/registration-repository.ts';
import { ThreadedRegistrationRepository } from './repositories/threaded-registration-repository.ts';
import type { RepositoryContext } from './repositories/repository-context.ts';
import { SqlSetupTokenRepository } from './repositories/setup-token-repository.ts';
import { SqlLinkedIdentityRepository } from './repositories/linked-identity-repository.ts';
import { SqlSsoPolicyRepository } from './repositories/sso-policy-repository.ts';
import { SqlSsoProviderRepository } from './repositories/sso-provider-repository.ts';
import { SqlSsoSyncRunRepository } from './repositories/sso-sync-run-repository.ts';
import { SqlTenantRepository } from './repositories/tenant-repository.ts';
import { SqlTenantSettingsRepository } from './repositories/tenant-settings-repository.ts';
import { SqlUserRepository } from './repositories/user-repository.ts';
import type { Database } from './schema/database.ts';

export type Repositories = PbxRepositories & SecurityRepositories;

export interface Store extends Repositories, PbxStore, SecurityStore, CredentialChanges {
  readonly dialect: SqlDialect;
  /**
   * Runs `work` with the repositories bound to one transaction: commit when
   * it resolves, roll back when it throws. Do not call the store's own
   * (non-`tx`) repositories inside `work`: on SQLite they wait for the
   * transaction's connection and would deadlock. On SQLite, open one store
   * per database file per process (other processes may open their own).
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Applies pending migrations (each in its own transaction). */
  migrate(): Promise<MigrationReport>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Closes the database; later calls resolve at once. */
  close(): Promise<void>;
}

function repositories(ctx: RepositoryContext): Repositories {
  return {
    tenants: new SqlTenantRepository(ctx),
    users: new SqlUserRepository(ctx),
    devices: new SqlDeviceRepository(ctx),
    groups: new SqlGroupRepository(ctx),
    tenantSettings: new SqlTenantSettingsRepository(ctx),
    registrations: new SqlRegistrationRepository(ctx),
    cdrs: new SqlCdrRepository(ctx),
    presence: new SqlPresenceRepository(ctx),
    apiTokens: new SqlApiTokenRepository(ctx),
    setupTokens: new SqlSetupTokenRepository(ctx),
    auditLog: new SqlAuditLogRepository(ctx),
    webSessions: new SqlWebSessionRepository(ctx),
    loginThrottle: new SqlLoginThrottleRepository(ctx),
    mfaFactors: new SqlMfaFactorRepository(ctx),
    oneTimeCodes: new SqlOneTimeCodeRepository(ctx),
    knownNetworks: new SqlKnownNetworkRepository(ctx),
    ssoProviders: new SqlSsoProviderRepository(ctx),
    linkedIdentities: new SqlLinkedIdentityRepository(ctx),
    ssoPolicies: new SqlSsoPolicyRepository(ctx),
    ssoSyncRuns: new SqlSsoSyncRunRepository(ctx),
    bans: new SqlBanRepository(ctx),
  };
}

export class SqlStore implements Store {
  readonly dialect: SqlDialect;
  readonly tenants: Repositories['tenants'];
  readonly users: Repositories['users'];
  readonly devices: Repositories['devices'];
  readonly groups: Repositories['groups'];
  readonly tenantSettings: Repositories['tenantSettings'];
  readonly registrations: Repositories['registrations'];
  readonly cdrs: Repositories['cdrs'];
  readonly presence: Repositories['presence'];
  readonly apiTokens: Repositories['apiTokens'];
  readonly setupTokens: Repositories['setupTokens'];
  readonly auditLog: Repositories['auditLog'];
  readonly webSessions: Repositories['webSessions'];
  readonly loginThrottle: Repositories['loginThrottle'];
  readonly mfaFactors: Repositories['mfaFactors'];
  readonly oneTimeCodes: Repositories['oneTimeCodes'];
  readonly knownNetworks: Repositories['knownNetworks'];
  readonly ssoProviders: Repositories['ssoProviders'];
  readonly linkedIdentities: Repositories['linkedIdentities'];
  readonly ssoPolicies: Repositories['ssoPolicies'];
  readonly ssoSyncRuns: Repositories['ssoSyncRuns'];
  readonly bans: Repositories['bans'];
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #writer: ThreadedRegistrationRepository | undefined;
  readonly #credentialListeners = new Set<() => void>();
  #closing: Promise<void> | null = null;

  /**
   * `sqlitePath`: the SQLite file, when the registrar's writes are to run
   * on a worker thread with their own connection (threaded-registration-repository.ts).
   */
  constructor(
    db: Kysely<Database>,
    dialect: SqlDialect,
    clock: Clock,
    logger: Logger,
    sqlitePath?: string,
  ) {
    this.#db = db;
    this.dialect = dialect;
    this.#clock = clock;
    this.#logger = logger;
    const repos = repositories({
      db,
      clock,
      credentialsChanged: () => this.#credentialsChanged(),
    });
    this.tenants = repos.tenants;
    this.users = repos.users;
    this.devices = repos.devices;
    this.groups = repos.groups;
    this.tenantSettings = repos.tenantSettings;
    this.#writer =
      sqlitePath === undefined
        ? undefined
        : new ThreadedRegistrationRepository(sqlitePath, repos.registrations);
    this.registrations = this.#writer ?? repos.registrations;
    this.cdrs = repos.cdrs;
    this.presence = repos.presence;
    this.apiTokens = repos.apiTokens;
    this.setupTokens = repos.setupTokens;
    this.auditLog = repos.auditLog;
    this.webSessions = repos.webSessions;
    this.loginThrottle = repos.loginThrottle;
    this.mfaFactors = repos.mfaFactors;
    this.oneTimeCodes = repos.oneTimeCodes;
    this.knownNetworks = repos.knownNetworks;
    this.ssoProviders = repos.ssoProviders;
    this.linkedIdentities = repos.linkedIdentities;
    this.ssoPolicies = repos.ssoPolicies;
    this.ssoSyncRuns = repos.ssoSyncRuns;
    this.bans = repos.bans;
  }

  async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    let changed = false;
    const result = await this.#db.transaction().execute((trx) =>
      work(
        repositories({
          db: trx,
          clock: this.#clock,
          credentialsChanged: () => {
            changed = true;
            this.#credentialsChanged();
          },
        }),
      ),
    );
    // again after the commit: a cache filled in between read the old rows
    if (changed) this.#credentialsChanged();
    return result;
  }

  onCredentialsChanged(listener: () => void): () => void {
    this.#credentialListeners.add(listener);
    return () => this.#credentialListeners.delete(listener);
  }

  async credentialsGeneration(): Promise<number> {
    const row = await this.#db
      .selectFrom('credentials_generation')
      .select('generation')
      .where('id', '=', 1)
      .executeTakeFirst();
    return Number(row?.generation ?? 0);
  }

  #credentialsChanged(): void {
    for (const listener of this.#credentialListeners) listener();
  }

  migrate(): Promise<MigrationReport> {
    return migrate(this.#db, this.dialect, migrations, this.#clock, this.#logger);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#writer?.close();
      await this.#db.destroy();
    })();
    return this.#closing;
  }
}
