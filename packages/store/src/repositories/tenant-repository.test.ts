import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';

contract('tenants', (it) => {
  it('creates, finds (domain case-insensitively), lists, updates and deletes', async ({
    store,
    clock,
  }) => {
    const t = await store.tenants.create({ name: 'acme', sipDomain: 'PBX.Acme.Example' });
    assert.equal(t.sipDomain, 'pbx.acme.example');
    assert.equal(t.createdAt, clock.now());
    assert.deepEqual(await store.tenants.findById(t.id), t);
    assert.deepEqual(await store.tenants.findBySipDomain('pbx.ACME.example'), t);
    assert.equal(await store.tenants.findById('00000000-0000-0000-0000-000000000000'), null);
    await store.tenants.create({ name: 'beta', sipDomain: 'beta.example' });
    assert.deepEqual(
      (await store.tenants.list()).map((x) => x.name),
      ['acme', 'beta'],
    );
    assert.deepEqual(
      (await store.tenants.list({ limit: 1, offset: 1 })).map((x) => x.name),
      ['beta'],
    );
    const renamed = await store.tenants.update(t.id, {
      name: 'acme inc',
      sipDomain: 'Acme.Example',
    });
    assert.equal(renamed.name, 'acme inc');
    assert.equal(renamed.sipDomain, 'acme.example');
    assert.equal(await store.tenants.delete(t.id), true);
    assert.equal(await store.tenants.delete(t.id), false);
    assert.equal(await store.tenants.findById(t.id), null);
  });

  it('refuses a taken name or SIP domain with a conflict naming the field', async ({ store }) => {
    const a = await store.tenants.create({ name: 'acme', sipDomain: 'acme.example' });
    await assert.rejects(
      store.tenants.create({ name: 'acme', sipDomain: 'other.example' }),
      palisadeError('conflict', 'name'),
    );
    await assert.rejects(
      store.tenants.create({ name: 'other', sipDomain: 'ACME.example' }),
      palisadeError('conflict', 'sipDomain'),
    );
    const b = await store.tenants.create({ name: 'beta', sipDomain: 'beta.example' });
    await assert.rejects(
      store.tenants.update(b.id, { sipDomain: a.sipDomain }),
      palisadeError('conflict', 'sipDomain'),
    );
    await assert.rejects(
      store.tenants.update('00000000-0000-0000-0000-000000000000', { name: 'x' }),
      palisadeError('not_found'),
    );
  });

  it('ensures the default tenant once, keeping its domain', async ({ store }) => {
    const first = await store.tenants.ensureDefaultTenant('PBX.example');
    assert.equal(first.name, 'default');
    assert.equal(first.sipDomain, 'pbx.example');
    const again = await store.tenants.ensureDefaultTenant('other.example');
    assert.deepEqual(again, first);
    assert.equal((await store.tenants.list()).length, 1);
  });

  it('refuses values the schema does not allow, changing nothing', async ({ store }) => {
    await assert.rejects(
      store.tenants.create({ name: '', sipDomain: 'x.example' }),
      palisadeError('validation_failed'),
    );
    await assert.rejects(
      store.tenants.create({ name: 'x'.repeat(101), sipDomain: 'x.example' }),
      palisadeError('validation_failed'),
    );
    assert.deepEqual(await store.tenants.list(), []);
  });
});
