import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '@palisade/common';
import { openStore } from '../open-store.ts';
import { makeBinding, makeDevice, makeTenant, makeUser } from '../testing/fixtures.ts';
import { ThreadedRegistrationRepository } from './threaded-registration-repository.ts';

test('SQLite: registrations are written by a worker thread; closing waits for the writes in flight and refuses later ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-reg-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'palisade.sqlite');
  const clock = new FakeClock();
  const store = await openStore({ kind: 'sqlite', path }, undefined, clock);
  await store.migrate();
  assert.ok(store.registrations instanceof ThreadedRegistrationRepository);
  const tenant = await makeTenant(store);
  const device = await makeDevice(store, await makeUser(store, tenant.id, 1), '1001');
  const now = clock.now();
  const a = makeBinding(device, 'sip:1001@192.0.2.7', now + 60_000);
  const b = makeBinding(device, 'sip:1001@192.0.2.8', now + 60_000);
  await store.registrations.apply({ upsert: [a], remove: [] });
  const inFlight = store.registrations.apply({ upsert: [b], remove: [a.id] });
  await store.close();
  await inFlight;
  await assert.rejects(store.registrations.apply({ upsert: [a], remove: [] }), /closed/);

  const again = await openStore({ kind: 'sqlite', path }, undefined, clock);
  try {
    assert.deepEqual(await again.registrations.listUnexpired(now), [b]);
  } finally {
    await again.close();
  }
});

test('SQLite: a refresh updates the binding in place; a binding of the same id with another identity replaces it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-reg-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new FakeClock();
  const store = await openStore(
    { kind: 'sqlite', path: join(dir, 'palisade.sqlite') },
    undefined,
    clock,
  );
  t.after(() => store.close());
  await store.migrate();
  const tenant = await makeTenant(store);
  const d1 = await makeDevice(store, await makeUser(store, tenant.id, 1), '1001');
  const d2 = await makeDevice(store, await makeUser(store, tenant.id, 2), '1002');
  const now = clock.now();
  const a = makeBinding(d1, 'sip:1001@192.0.2.7', now + 60_000);
  await store.registrations.apply({ upsert: [a], remove: [] });
  const refreshed = {
    ...a,
    cseq: 9,
    callId: 'other@host',
    expiresAt: now + 120_000,
    sourcePort: 5099,
  };
  await store.registrations.apply({ upsert: [refreshed], remove: [] });
  assert.deepEqual(await store.registrations.listUnexpired(now), [refreshed]);
  const moved = {
    ...refreshed,
    deviceId: d2.id,
    userId: d2.userId,
    aor: 'sip:1002@acme.example.test',
  };
  await store.registrations.apply({ upsert: [moved], remove: [] });
  assert.deepEqual(await store.registrations.listUnexpired(now), [moved]);
});
