import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant, makeUser } from '../testing/fixtures.ts';

contract('groups', (it) => {
  it('creates, finds, lists, updates and deletes', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const g = await store.groups.create({
      tenantId: t.id,
      name: 'Sales',
      description: 'sales team',
      permissions: ['call.national', 'chat'],
    });
    assert.deepEqual(g, {
      id: g.id,
      tenantId: t.id,
      name: 'Sales',
      description: 'sales team',
      isAdmin: false,
      permissions: ['call.national', 'chat'],
      createdAt: clock.now(),
    });
    assert.deepEqual(await store.groups.findById(g.id), g);
    assert.deepEqual(await store.groups.findByName(t.id, 'Sales'), g);
    const a = await store.groups.create({ tenantId: t.id, name: 'Accounts' });
    assert.deepEqual(a.permissions, []);
    assert.deepEqual(
      (await store.groups.list(t.id)).map((x) => x.name),
      ['Accounts', 'Sales'],
    );
    const changed = await store.groups.update(g.id, {
      isAdmin: true,
      permissions: ['admin.users'],
    });
    assert.equal(changed.isAdmin, true);
    assert.deepEqual(changed.permissions, ['admin.users']);
    assert.deepEqual(await store.groups.findById(g.id), changed);
    assert.deepEqual(await store.groups.update(g.id, {}), changed);
    await assert.rejects(
      store.groups.update(g.id, { name: 'Accounts' }),
      palisadeError('conflict', 'name'),
    );
    await assert.rejects(
      store.groups.update('00000000-0000-0000-0000-000000000000', { name: 'x' }),
      palisadeError('not_found'),
    );
    assert.equal(await store.groups.delete(g.id), true);
    assert.equal(await store.groups.findById(g.id), null);
  });

  it('keeps names unique per tenant', async ({ store }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    await store.groups.create({ tenantId: t.id, name: 'Sales' });
    await assert.rejects(
      store.groups.create({ tenantId: t.id, name: 'Sales' }),
      palisadeError('conflict', 'name'),
    );
    await store.groups.create({ tenantId: other.id, name: 'Sales' });
  });

  it('ensures the default groups once, with the given permissions', async ({ store }) => {
    const t = await makeTenant(store);
    const first = await store.groups.ensureDefaultGroups(t.id, {
      users: ['u'],
      admins: ['a', 'b'],
    });
    assert.equal(first.users.name, 'Users');
    assert.equal(first.users.isAdmin, false);
    assert.deepEqual(first.users.permissions, ['u']);
    assert.equal(first.admins.name, 'Admins');
    assert.equal(first.admins.isAdmin, true);
    assert.deepEqual(first.admins.permissions, ['a', 'b']);
    const again = await store.groups.ensureDefaultGroups(t.id, { users: [], admins: [] });
    assert.deepEqual(again, first);
    assert.equal((await store.groups.list(t.id)).length, 2);
  });

  it('manages membership both ways, within one tenant only', async ({ store }) => {
    const t = await makeTenant(store);
    const u1 = await makeUser(store, t.id, 1);
    const u2 = await makeUser(store, t.id, 2);
    const sales = await store.groups.create({ tenantId: t.id, name: 'Sales' });
    const admins = await store.groups.create({ tenantId: t.id, name: 'Admins', isAdmin: true });
    assert.equal(await store.groups.addMember(sales.id, u1.id), true);
    assert.equal(await store.groups.addMember(sales.id, u1.id), false);
    assert.equal(await store.groups.addMember(sales.id, u2.id), true);
    assert.equal(await store.groups.addMember(admins.id, u1.id), true);
    assert.deepEqual((await store.groups.listMemberIds(sales.id)).sort(), [u1.id, u2.id].sort());
    assert.deepEqual(
      (await store.groups.listGroupsOfUser(u1.id)).map((g) => g.name),
      ['Admins', 'Sales'],
    );
    assert.equal(await store.groups.removeMember(sales.id, u1.id), true);
    assert.equal(await store.groups.removeMember(sales.id, u1.id), false);
    assert.deepEqual(await store.groups.listMemberIds(sales.id), [u2.id]);

    const other = await makeTenant(store, 'other');
    const stranger = await makeUser(store, other.id, 1);
    await assert.rejects(
      store.groups.addMember(sales.id, stranger.id),
      palisadeError('not_found', 'userId'),
    );
    await assert.rejects(
      store.groups.addMember('00000000-0000-0000-0000-000000000000', u1.id),
      palisadeError('not_found', 'groupId'),
    );
    // Deleting a group ends its memberships.
    await store.groups.delete(admins.id);
    assert.deepEqual(await store.groups.listGroupsOfUser(u1.id), []);
  });
});
