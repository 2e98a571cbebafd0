import assert from 'node:assert/strict';
import { contract, executeRaw } from '../testing/contract-harness.ts';
import { makeDevice, makeTenant, makeUser } from '../testing/fixtures.ts';

contract('credentials generation', (it) => {
  it('moves on every change of a device, user or tenant, whoever makes it, and not on others', async ({
    store,
    config,
  }) => {
    const heard: string[] = [];
    store.onCredentialsChanged(() => heard.push('changed'));
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, '1001');
    const start = await store.credentialsGeneration();
    const moved = async (): Promise<boolean> => {
      const now = await store.credentialsGeneration();
      const result = now !== last;
      last = now;
      return result;
    };
    let last = start;

    await store.groups.create({ tenantId: t.id, name: 'Sales', description: '' });
    assert.equal(await moved(), false, 'groups are not read by a digest check');
    assert.deepEqual(heard, []);

    await store.devices.updateLabel(d.id, 'kitchen');
    assert.equal(await moved(), true, 'label changed (the cached device shows it)');
    await store.devices.rotateSecret(d.id, 'a'.repeat(32), 'b'.repeat(64));
    assert.equal(await moved(), true, 'secret rotated');
    await store.users.update(u.id, { state: 'disabled' });
    assert.equal(await moved(), true, 'user disabled');
    await store.tenants.update(t.id, { sipDomain: 'new.example.test' });
    assert.equal(await moved(), true, 'SIP domain changed');
    await store.devices.delete(d.id);
    assert.equal(await moved(), true, 'device deleted');
    assert.equal(heard.length, 5, 'this process was told of each change at once');

    // another process (the CLI) or an operator's SQL moves it too
    const other = await makeUser(store, t.id, 2);
    await executeRaw(config, `delete from users where id = '${other.id}'`);
    assert.equal(await moved(), true, 'user deleted outside the store');
    assert.equal(heard.length, 5);

    // a change inside a transaction is told again once committed
    const d2 = await makeDevice(store, u, '1002');
    await store.transaction(async (tx) => {
      await tx.devices.rotateSecret(d2.id, 'c'.repeat(32), 'd'.repeat(64));
    });
    assert.equal(heard.length, 7);
    assert.equal(await moved(), true);
  });
});
