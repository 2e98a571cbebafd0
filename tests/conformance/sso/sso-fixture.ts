/**
 * What the SSO conformance tests share: a migrated SQLite store in a temp
 * folder with a tenant and its groups, the audit trail, the secret boxes and
 * the account directory adapter, wired as the server wires them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, type LogFields, type SecurityEvent, systemClock } from '@palisade/common';
import { SsoAccountDirectory, type Group, type Tenant } from '@palisade/pbx';
import { AuditTrail, generateSecretBoxKey, SecretBox } from '@palisade/security';
import { openStore, type Store } from '@palisade/store';

export interface SsoFixture {
  readonly dir: string;
  readonly store: Store;
  readonly tenant: Tenant;
  readonly users: Group;
  readonly sales: Group;
  readonly engineering: Group;
  readonly audit: AuditTrail;
  readonly events: SecurityEvent[];
  readonly warnings: string[];
  readonly logger: Logger;
  readonly secretBox: SecretBox;
  readonly pendingBox: SecretBox;
  readonly accounts: SsoAccountDirectory;
  close(): Promise<void>;
}

export async function ssoFixture(prefix: string): Promise<SsoFixture> {
  const dir = mkdtempSync(join(tmpdir(), `palisade-${prefix}-`));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'palisade.db') });
  await store.migrate();
  const tenant = await store.tenants.create({ name: 'corp', sipDomain: 'corp.example.test' });
  const defaults = await store.groups.ensureDefaultGroups(tenant.id, { users: [], admins: [] });
  const sales = await store.groups.create({ tenantId: tenant.id, name: 'Sales' });
  const engineering = await store.groups.create({ tenantId: tenant.id, name: 'Engineering' });
  const events: SecurityEvent[] = [];
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (msg: string, _f?: LogFields) => void warnings.push(msg),
    error: (msg: string) => void warnings.push(msg),
    child: () => logger,
  };
  const audit = new AuditTrail(
    store.auditLog,
    { emit: (e) => void events.push(e) },
    systemClock,
    logger,
  );
  const key = generateSecretBoxKey();
  const accounts = new SsoAccountDirectory(
    { store, audit, clock: systemClock },
    { firstExtension: 2000 },
  );
  return {
    dir,
    store,
    tenant,
    users: defaults.users,
    sales,
    engineering,
    audit,
    events,
    warnings,
    logger,
    secretBox: new SecretBox(key, 'sso-provider-secret'),
    pendingBox: new SecretBox(key, 'sso-pending-login'),
    accounts,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
