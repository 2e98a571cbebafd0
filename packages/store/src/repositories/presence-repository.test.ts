import assert from 'node:assert/strict';
import { nullLogger } from '@palisade/common';
import type { StoredStatus } from '@palisade/pbx';
import { migrations } from '../migrations/index.ts';
import { migrate } from '../migrations/migrator.ts';
import { openDatabase, openStore } from '../open-store.ts';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant, makeUser } from '../testing/fixtures.ts';

contract('user presence', (it) => {
  it('sets, replaces, gets and lists the status users set, per tenant', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    const ann = await makeUser(store, t.id, 1);
    const bob = await makeUser(store, t.id, 2);
    const eve = await makeUser(store, other.id, 3);
    assert.equal(await store.presence.get(ann.id), null);
    const set = await store.presence.set(t.id, ann.id, 'away');
    assert.deepEqual(set, {
      tenantId: t.id,
      userId: ann.id,
      status: 'away',
      updatedAt: clock.now(),
    });
    assert.deepEqual(await store.presence.get(ann.id), set);
    clock.advance(1000);
    await store.presence.set(t.id, ann.id, 'busy');
    assert.deepEqual(await store.presence.get(ann.id), {
      ...set,
      status: 'busy',
      updatedAt: set.updatedAt + 1000,
    });
    await store.presence.set(t.id, bob.id, 'available');
    await store.presence.set(other.id, eve.id, 'away');
    const listed = await store.presence.listByTenant(t.id);
    assert.deepEqual(
      listed.map((p) => [p.userId, p.status]).sort(),
      [
        [ann.id, 'busy'],
        [bob.id, 'available'],
      ].sort(),
    );
    // a deleted user takes their status along
    await store.users.delete(bob.id);
    assert.equal(await store.presence.get(bob.id), null);
  });

  it('refuses a user of another tenant, an unknown user and an unknown status', async ({
    store,
  }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    const ann = await makeUser(store, t.id, 1);
    await assert.rejects(
      store.presence.set(other.id, ann.id, 'away'),
      palisadeError('not_found', 'userId'),
    );
    await store.presence.set(t.id, ann.id, 'away');
    // an existing row cannot be moved into another tenant either
    await assert.rejects(
      store.presence.set(other.id, ann.id, 'busy'),
      palisadeError('not_found', 'userId'),
    );
    await assert.rejects(
      store.presence.set(t.id, '00000000-0000-0000-0000-000000000000', 'away'),
      palisadeError('not_found', 'userId'),
    );
    await assert.rejects(
      store.presence.set(t.id, ann.id, 'dnd' as StoredStatus),
      palisadeError('validation_failed'),
    );
    assert.equal((await store.presence.get(ann.id))?.status, 'away');
    assert.deepEqual(await store.presence.listByTenant(other.id), []);
  });

  it('the migration grants presence to every tenant’s Users group, and to no other group', async ({
    freshDatabase,
    dialect,
    clock,
  }) => {
    const config = await freshDatabase();
    const { db } = openDatabase(config, nullLogger);
    try {
      await migrate(db, dialect, migrations.slice(0, 7), clock, nullLogger);
    } finally {
      await db.destroy();
    }
    const store = await openStore(config, nullLogger, clock);
    try {
      const t = await makeTenant(store);
      const { users } = await store.groups.ensureDefaultGroups(t.id, {
        users: ['call:internal', 'webphone'],
        admins: ['users:view'],
      });
      const sales = await store.groups.create({
        tenantId: t.id,
        name: 'Sales',
        permissions: ['chat'],
      });
      await store.migrate();
      assert.deepEqual((await store.groups.findById(users.id))?.permissions, [
        'call:internal',
        'webphone',
        'presence',
      ]);
      assert.deepEqual((await store.groups.findById(sales.id))?.permissions, ['chat']);
      assert.deepEqual(await store.presence.listByTenant(t.id), []);
    } finally {
      await store.close();
    }
  });
});
