import assert from 'node:assert/strict';
import { palisadeError } from './testing/assertions.ts';
import { contract } from './testing/contract-harness.ts';
import { makeTenant, makeUser } from './testing/fixtures.ts';

contract('store', (it) => {
  it('answers ping and closes idempotently', async ({ store, openAnother }) => {
    await store.ping();
    const other = await openAnother();
    await other.ping();
    await other.close();
    await other.close();
    await assert.rejects(other.ping());
  });

  it('commits a transaction that resolves', async ({ store }) => {
    const result = await store.transaction(async (tx) => {
      const t = await makeTenant(tx);
      await makeUser(tx, t.id, 1);
      return t;
    });
    assert.equal(await store.users.count(result.id), 1);
  });

  it('rolls back everything when the transaction throws', async ({ store }) => {
    const t = await makeTenant(store);
    const boom = new Error('boom');
    await assert.rejects(
      store.transaction(async (tx) => {
        await makeUser(tx, t.id, 1);
        await tx.tenantSettings.set(t.id, 'k', 1);
        await tx.auditLog.append({ actor: 'cli', action: 'user.create', outcome: 'success' });
        assert.equal(await tx.users.count(t.id), 1);
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.equal(await store.users.count(t.id), 0);
    assert.equal(await store.tenantSettings.get(t.id, 'k'), null);
    assert.deepEqual((await store.auditLog.query()).entries, []);
  });

  it('rolls back when a statement inside fails, and the store stays usable', async ({ store }) => {
    const t = await makeTenant(store);
    await makeUser(store, t.id, 1);
    await assert.rejects(
      store.transaction(async (tx) => {
        await makeUser(tx, t.id, 2);
        await makeUser(tx, t.id, 1); // username and extension taken
      }),
      palisadeError('conflict'),
    );
    assert.equal(await store.users.count(t.id), 1);
    await makeUser(store, t.id, 2);
    assert.equal(await store.users.count(t.id), 2);
  });
});
