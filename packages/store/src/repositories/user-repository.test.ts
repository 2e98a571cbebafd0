import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeDevice, makeTenant, makeUser } from '../testing/fixtures.ts';

contract('users', (it) => {
  it('creates with defaults and finds by id, username and extension', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await store.users.create({
      tenantId: t.id,
      username: 'Alice',
      extension: '201',
      displayName: 'Alice Example',
      email: 'alice@example.test',
    });
    assert.deepEqual(u, {
      id: u.id,
      tenantId: t.id,
      username: 'alice',
      extension: '201',
      displayName: 'Alice Example',
      email: 'alice@example.test',
      mobile: null,
      state: 'active',
      isSuperAdmin: false,
      passwordHash: null,
      passwordChangedAt: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    assert.deepEqual(await store.users.findById(u.id), u);
    assert.deepEqual(await store.users.findByUsername(t.id, 'ALICE'), u);
    assert.deepEqual(await store.users.findByExtension(t.id, '201'), u);
    assert.equal(await store.users.findByExtension(t.id, '202'), null);
    const other = await makeTenant(store, 'other');
    assert.equal(await store.users.findByUsername(other.id, 'alice'), null);
  });

  it('lists in username order with paging, counts, updates and deletes', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const [u3, u1, u2] = [
      await makeUser(store, t.id, 3),
      await makeUser(store, t.id, 1),
      await makeUser(store, t.id, 2),
    ];
    assert.deepEqual(
      (await store.users.list(t.id)).map((u) => u.id),
      [u1.id, u2.id, u3.id],
    );
    assert.deepEqual(
      (await store.users.list(t.id, { limit: 1, offset: 2 })).map((u) => u.id),
      [u3.id],
    );
    assert.equal(await store.users.count(t.id), 3);
    clock.advance(5_000);
    const changed = await store.users.update(u1.id, {
      displayName: 'Renamed',
      state: 'disabled',
      mobile: '+15550100',
      passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    });
    assert.equal(changed.displayName, 'Renamed');
    assert.equal(changed.state, 'disabled');
    assert.equal(changed.mobile, '+15550100');
    assert.equal(changed.updatedAt, u1.createdAt + 5_000);
    assert.equal(changed.createdAt, u1.createdAt);
    assert.deepEqual(await store.users.findById(u1.id), changed);
    const cleared = await store.users.update(u1.id, { mobile: null });
    assert.equal(cleared.mobile, null);
    assert.equal(await store.users.delete(u1.id), true);
    assert.equal(await store.users.delete(u1.id), false);
    await assert.rejects(
      store.users.update(u1.id, { displayName: 'x' }),
      palisadeError('not_found'),
    );
  });

  it('refuses a taken username or extension within a tenant, not across tenants', async ({
    store,
  }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    await assert.rejects(
      store.users.create({ tenantId: t.id, username: 'USER1', extension: '999', displayName: 'x' }),
      palisadeError('conflict', 'username'),
    );
    await assert.rejects(
      store.users.create({
        tenantId: t.id,
        username: 'z',
        extension: u.extension,
        displayName: 'x',
      }),
      palisadeError('conflict', 'extension'),
    );
    const u2 = await makeUser(store, t.id, 2);
    await assert.rejects(
      store.users.update(u2.id, { extension: u.extension }),
      palisadeError('conflict', 'extension'),
    );
    const other = await makeTenant(store, 'other');
    const twin = await makeUser(store, other.id, 1);
    assert.equal(twin.username, u.username);
    assert.equal(await store.users.count(t.id), 2);
  });

  it('refuses malformed values at the database', async ({ store }) => {
    const t = await makeTenant(store);
    const base = { tenantId: t.id, username: 'bob', extension: '300', displayName: 'Bob' };
    for (const bad of [
      { ...base, extension: '30a' },
      { ...base, extension: '' },
      { ...base, username: 'bob smith' },
      { ...base, displayName: '' },
      { ...base, email: 'x'.repeat(255) },
    ]) {
      await assert.rejects(store.users.create(bad), palisadeError('validation_failed'));
    }
    await assert.rejects(
      store.users.create({ ...base, tenantId: '00000000-0000-0000-0000-000000000000' }),
      palisadeError('not_found', 'tenantId'),
    );
    assert.equal(await store.users.count(t.id), 0);
  });

  it('allows at most one super-admin', async ({ store }) => {
    const t = await makeTenant(store);
    const a = await makeUser(store, t.id, 1);
    const b = await makeUser(store, t.id, 2);
    assert.equal(await store.users.findSuperAdmin(), null);
    const promoted = await store.users.promoteSuperAdmin(a.id);
    assert.equal(promoted.isSuperAdmin, true);
    assert.deepEqual(await store.users.findSuperAdmin(), promoted);
    // Promoting again is harmless; a second user is refused.
    await store.users.promoteSuperAdmin(a.id);
    await assert.rejects(
      store.users.promoteSuperAdmin(b.id),
      palisadeError('conflict', 'isSuperAdmin'),
    );
    assert.equal((await store.users.findById(b.id))?.isSuperAdmin, false);
    // Handing over inside one transaction.
    await store.transaction(async (tx) => {
      await tx.users.demoteSuperAdmin(a.id);
      await tx.users.promoteSuperAdmin(b.id);
    });
    assert.equal((await store.users.findSuperAdmin())?.id, b.id);
    await assert.rejects(
      store.users.promoteSuperAdmin('00000000-0000-0000-0000-000000000000'),
      palisadeError('not_found'),
    );
  });

  it('deleting a user deletes their devices and memberships', async ({ store }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const keep = await makeUser(store, t.id, 2);
    const d = await makeDevice(store, u, 'u1-desk');
    const kept = await makeDevice(store, keep, 'u2-desk');
    const g = await store.groups.create({ tenantId: t.id, name: 'Sales' });
    await store.groups.addMember(g.id, u.id);
    await store.groups.addMember(g.id, keep.id);
    assert.equal(await store.users.delete(u.id), true);
    assert.equal(await store.devices.findById(d.id), null);
    assert.deepEqual(await store.devices.findById(kept.id), kept);
    assert.deepEqual(await store.groups.listMemberIds(g.id), [keep.id]);
  });

  it('deleting a tenant deletes everything it owns', async ({ store }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    await makeDevice(store, u, 'u1-desk');
    await store.groups.create({ tenantId: t.id, name: 'Sales' });
    await store.tenantSettings.set(t.id, 'locale', 'en');
    assert.equal(await store.tenants.delete(t.id), true);
    assert.equal(await store.users.findById(u.id), null);
    assert.deepEqual(await store.devices.listByTenant(t.id), []);
    assert.deepEqual(await store.groups.list(t.id), []);
    assert.deepEqual(await store.tenantSettings.list(t.id), []);
  });
});
