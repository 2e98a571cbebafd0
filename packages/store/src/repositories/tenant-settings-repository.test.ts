import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant } from '../testing/fixtures.ts';

contract('tenant settings', (it) => {
  it('sets, replaces, gets, lists and deletes JSON values per tenant', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    assert.equal(await store.tenantSettings.get(t.id, 'mfa'), null);
    const value = { required: true, methods: ['totp', 'webauthn'], grace: 3, note: null };
    const set = await store.tenantSettings.set(t.id, 'mfa', value);
    assert.deepEqual(set, { tenantId: t.id, key: 'mfa', value, updatedAt: clock.now() });
    assert.deepEqual(await store.tenantSettings.get(t.id, 'mfa'), set);
    clock.advance(1000);
    await store.tenantSettings.set(t.id, 'mfa', false);
    assert.deepEqual(await store.tenantSettings.get(t.id, 'mfa'), {
      tenantId: t.id,
      key: 'mfa',
      value: false,
      updatedAt: set.updatedAt + 1000,
    });
    await store.tenantSettings.set(t.id, 'locale', 'de');
    await store.tenantSettings.set(other.id, 'locale', 'fr');
    assert.deepEqual(
      (await store.tenantSettings.list(t.id)).map((s) => [s.key, s.value]),
      [
        ['locale', 'de'],
        ['mfa', false],
      ],
    );
    assert.equal(await store.tenantSettings.delete(t.id, 'locale'), true);
    assert.equal(await store.tenantSettings.delete(t.id, 'locale'), false);
    assert.equal((await store.tenantSettings.get(other.id, 'locale'))?.value, 'fr');
  });

  it('refuses an unknown tenant and oversized values', async ({ store }) => {
    await assert.rejects(
      store.tenantSettings.set('00000000-0000-0000-0000-000000000000', 'k', 1),
      palisadeError('not_found', 'tenantId'),
    );
    const t = await makeTenant(store);
    await assert.rejects(
      store.tenantSettings.set(t.id, 'big', 'x'.repeat(70_000)),
      palisadeError('validation_failed'),
    );
    await assert.rejects(store.tenantSettings.set(t.id, '', 1), palisadeError('validation_failed'));
    assert.deepEqual(await store.tenantSettings.list(t.id), []);
  });
});
