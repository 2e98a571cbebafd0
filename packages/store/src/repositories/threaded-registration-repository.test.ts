import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '@palisade/common';
import type { Device, RegistrationBinding } from '@palisade/pbx';
import { openStore } from '../open-store.ts';
import { makeDevice, makeTenant, makeUser } from '../testing/fixtures.ts';
import { ThreadedRegistrationRepository } from './threaded-registration-repository.ts';

function binding(device: Device, host: string, expiresAt: number): RegistrationBinding {
  return {
    id: randomUUID(),
    tenantId: device.tenantId,
    userId: device.userId,
    deviceId: device.id,
    aor: `sip:${device.sipUsername}@acme.example.test`,
    contactUri: `sip:${device.sipUsername}@${host}`,
    contactHeader: `<sip:${device.sipUsername}@${host}>`,
    instanceId: null,
    regId: null,
    q: null,
    callId: 'call-1@host',
    cseq: 1,
    path: [],
    transport: 'UDP',
    sourceAddress: host,
    sourcePort: 5060,
    userAgent: 'Phone/1.0',
    expiresAt,
    registeredAt: 1000,
    updatedAt: 1000,
  };
}

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
  const a = binding(device, '192.0.2.7', now + 60_000);
  const b = binding(device, '192.0.2.8', now + 60_000);
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
