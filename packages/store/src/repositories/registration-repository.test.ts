import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { contract } from '../testing/contract-harness.ts';
import { makeBinding as binding, makeDevice, makeTenant, makeUser } from '../testing/fixtures.ts';

contract('registrations', (it) => {
  it('writes, lists by tenant, user and device, and round-trips every field', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d1 = await makeDevice(store, u, '1001');
    const d2 = await makeDevice(store, u, '1002');
    const now = clock.now();
    const a = binding(d1, 'sip:1001@192.0.2.7:5060', now + 60_000);
    const b = binding(d2, 'sip:1002@192.0.2.8:5060', now + 60_000, {
      instanceId: null,
      regId: null,
      q: null,
      path: [],
    });
    await store.registrations.apply({ upsert: [a, b], remove: [] });
    assert.deepEqual(await store.registrations.list({ tenantId: t.id, now }), [a, b]);
    assert.deepEqual(await store.registrations.list({ tenantId: t.id, deviceId: d2.id, now }), [b]);
    assert.deepEqual(await store.registrations.list({ tenantId: t.id, userId: u.id, now }), [a, b]);
    const other = await makeTenant(store, 'other');
    assert.deepEqual(await store.registrations.list({ tenantId: other.id, now }), []);
  });

  it('replaces by id and removes in one change', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, '1001');
    const now = clock.now();
    const a = binding(d, 'sip:1001@192.0.2.7:5060', now + 60_000);
    const b = binding(d, 'sip:1001@192.0.2.9:5060', now + 60_000);
    await store.registrations.apply({ upsert: [a, b], remove: [] });
    const refreshed = { ...a, cseq: 8, expiresAt: now + 120_000 };
    await store.registrations.apply({ upsert: [refreshed], remove: [b.id] });
    assert.deepEqual(await store.registrations.listUnexpired(now), [refreshed]);
  });

  it('rolls the whole change back when one row is refused', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, '1001');
    const now = clock.now();
    const a = binding(d, 'sip:1001@192.0.2.7:5060', now + 60_000);
    await store.registrations.apply({ upsert: [a], remove: [] });
    const bad = binding(d, 'sip:1001@192.0.2.9:5060', now + 60_000, {
      transport: 'CARRIER-PIGEON',
    });
    await assert.rejects(store.registrations.apply({ upsert: [bad], remove: [a.id] }));
    assert.deepEqual(await store.registrations.listUnexpired(now), [a]);
  });

  it('hides and purges expired bindings, and drops them with their device', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, '1001');
    const now = clock.now();
    const live = binding(d, 'sip:1001@192.0.2.7:5060', now + 60_000);
    const dead = binding(d, 'sip:1001@192.0.2.8:5060', now - 1);
    await store.registrations.apply({ upsert: [live, dead], remove: [] });
    assert.deepEqual(await store.registrations.listUnexpired(now), [live]);
    assert.equal(await store.registrations.purgeExpired(now), 1);
    assert.equal(await store.registrations.purgeExpired(now), 0);
    await store.devices.delete(d.id);
    assert.deepEqual(await store.registrations.listUnexpired(now), []);
  });

  it('applies inside a store transaction', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, '1001');
    const a = binding(d, 'sip:1001@192.0.2.7:5060', clock.now() + 60_000);
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.registrations.apply({ upsert: [a], remove: [] });
        throw new Error('abort');
      }),
    );
    assert.deepEqual(await store.registrations.listUnexpired(clock.now()), []);
  });

  it('goes on writing after a refused change', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, '1001');
    const now = clock.now();
    // a device deleted while its REGISTER was being handled: the foreign key refuses it
    const orphan = binding(d, 'sip:1001@192.0.2.6:5060', now + 60_000, { deviceId: randomUUID() });
    await assert.rejects(store.registrations.apply({ upsert: [orphan], remove: [] }));
    const a = binding(d, 'sip:1001@192.0.2.7:5060', now + 60_000);
    await store.registrations.apply({ upsert: [a], remove: [] });
    assert.deepEqual(await store.registrations.listUnexpired(now), [a]);
  });
});
