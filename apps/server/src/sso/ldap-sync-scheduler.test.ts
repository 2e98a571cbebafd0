import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, nullLogger } from '@palisade/common';
import type {
  SsoProvider,
  SsoProviderRepository,
  SsoSyncRun,
  SsoSyncRunRepository,
} from '@palisade/security';
import { LdapSyncScheduler } from './ldap-sync-scheduler.ts';

function ldap(id: string, syncIntervalMinutes: number, enabled = true): SsoProvider {
  return {
    id,
    tenantId: 't',
    kind: 'ldap',
    name: id,
    enabled,
    sealedSecret: null,
    createdAt: 0,
    updatedAt: 0,
    config: { syncIntervalMinutes },
  } as unknown as SsoProvider;
}

test('runs each due provider once, skips unscheduled, disabled and recently synced ones', async () => {
  const clock = new FakeClock(10 * 60 * 60_000);
  const runs: SsoSyncRun[] = [];
  const synced: string[] = [];
  const providers = [ldap('due', 60), ldap('never', 0), ldap('off', 60, false), ldap('fresh', 60)];
  runs.push({
    id: 'r',
    tenantId: 't',
    providerId: 'fresh',
    dryRun: false,
    startedAt: clock.now() - 30 * 60_000,
    finishedAt: 0,
    outcome: 'success',
    report: {} as SsoSyncRun['report'],
  });
  const scheduler = new LdapSyncScheduler({
    tenants: () => Promise.resolve([{ id: 't' }]),
    providers: { list: () => Promise.resolve(providers) } as unknown as SsoProviderRepository,
    runs: {
      list: (pid: string) => Promise.resolve(runs.filter((r) => r.providerId === pid).reverse()),
    } as unknown as SsoSyncRunRepository,
    ldap: {
      sync: (input) => {
        synced.push(input.providerId);
        const run: SsoSyncRun = {
          id: String(runs.length),
          tenantId: 't',
          providerId: input.providerId,
          dryRun: input.dryRun,
          startedAt: clock.now(),
          finishedAt: clock.now(),
          outcome: 'success',
          report: {} as SsoSyncRun['report'],
        };
        runs.push(run);
        return Promise.resolve(run);
      },
    },
    clock,
    logger: nullLogger,
    checkEveryMs: 60_000,
  });
  await scheduler.runDue();
  assert.deepEqual(synced, ['due']);
  await scheduler.runDue();
  assert.deepEqual(synced, ['due'], 'not again within the interval');
  clock.advance(31 * 60_000);
  await scheduler.runDue();
  assert.deepEqual(synced, ['due', 'fresh']);
  await scheduler.stop();
});
