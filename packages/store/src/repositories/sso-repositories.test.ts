import assert from 'node:assert/strict';
import type { LdapSyncReport, OidcProviderConfig } from '@palisade/security';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant, makeUser } from '../testing/fixtures.ts';
import type { Store } from '../store.ts';

const oidcConfig: OidcProviderConfig = {
  preset: 'google',
  issuer: 'https://accounts.google.com',
  clientId: 'client-1',
  redirectUri: 'https://pbx.example.test/api/v1/sso/oidc/x/callback',
  scopes: ['openid', 'email'],
  idTokenAlg: 'RS256',
  allowHttpLoopback: false,
  jitCreate: true,
  allowedEmailDomains: ['example.test'],
  defaultGroupId: null,
  trustIdpMfa: false,
  mfaAcrValues: [],
};

async function provider(store: Store, tenantId: string, name = 'Google') {
  return store.ssoProviders.create({
    tenantId,
    kind: 'oidc',
    name,
    enabled: true,
    config: oidcConfig,
    sealedSecret: 'v1.aaa.bbb',
  });
}

contract('SSO providers', (it) => {
  it('creates, finds, lists by name, updates and deletes', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const p = await provider(store, t.id);
    assert.deepEqual(p, {
      id: p.id,
      tenantId: t.id,
      kind: 'oidc',
      name: 'Google',
      enabled: true,
      config: oidcConfig,
      sealedSecret: 'v1.aaa.bbb',
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    assert.deepEqual(await store.ssoProviders.findById(p.id), p);
    const a = await provider(store, t.id, 'Azure');
    assert.deepEqual(
      (await store.ssoProviders.list(t.id)).map((x) => x.name),
      ['Azure', 'Google'],
    );
    clock.advance(5);
    const u = await store.ssoProviders.update(p.id, { enabled: false, sealedSecret: null });
    assert.equal(u.enabled, false);
    assert.equal(u.sealedSecret, null);
    assert.equal(u.updatedAt, clock.now());
    await assert.rejects(
      store.ssoProviders.update(a.id, { name: 'Google' }),
      palisadeError('conflict'),
    );
    await assert.rejects(
      store.ssoProviders.update('00000000-0000-0000-0000-000000000000', { enabled: true }),
      palisadeError('not_found'),
    );
    assert.equal(await store.ssoProviders.delete(a.id), true);
    assert.equal(await store.ssoProviders.delete(a.id), false);
  });

  it('refuses a duplicate name in a tenant and an unknown tenant', async ({ store }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    await provider(store, t.id);
    await provider(store, other.id);
    await assert.rejects(provider(store, t.id), palisadeError('conflict'));
    await assert.rejects(
      provider(store, '00000000-0000-0000-0000-000000000000'),
      palisadeError('not_found'),
    );
  });
});

contract('Linked identities', (it) => {
  it('links by (tenant, issuer, subject), touches, lists, unlinks', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const p = await provider(store, t.id);
    const u1 = await makeUser(store, t.id, 1);
    const u2 = await makeUser(store, t.id, 2);
    const input = {
      tenantId: t.id,
      providerId: p.id,
      issuer: 'https://idp',
      email: 'a@example.test',
    };
    const l = await store.linkedIdentities.link({ ...input, userId: u1.id, subject: 's1' });
    assert.deepEqual(await store.linkedIdentities.find(t.id, 'https://idp', 's1'), l);
    assert.equal(await store.linkedIdentities.find(t.id, 'https://other', 's1'), null);
    // The same subject can never be linked twice, not even to another user.
    await assert.rejects(
      store.linkedIdentities.link({ ...input, userId: u2.id, subject: 's1' }),
      palisadeError('conflict'),
    );
    // Another tenant's user cannot be linked (composite foreign key).
    const other = await makeTenant(store, 'other');
    const stranger = await makeUser(store, other.id, 1);
    await assert.rejects(
      store.linkedIdentities.link({ ...input, userId: stranger.id, subject: 's9' }),
      palisadeError('not_found'),
    );
    clock.advance(10);
    await store.linkedIdentities.link({ ...input, userId: u1.id, subject: 's2', email: null });
    await store.linkedIdentities.touchLogin(l.id, clock.now(), 'new@example.test');
    const touched = await store.linkedIdentities.findById(l.id);
    assert.equal(touched?.lastLoginAt, clock.now());
    assert.equal(touched?.email, 'new@example.test');
    assert.deepEqual(
      (await store.linkedIdentities.listOfUser(u1.id)).map((x) => x.subject),
      ['s1', 's2'],
    );
    assert.equal((await store.linkedIdentities.listOfProvider(p.id)).length, 2);
    assert.equal(await store.linkedIdentities.unlink(l.id), true);
    assert.equal(await store.linkedIdentities.unlink(l.id), false);
    // Deleting the user removes their links.
    await store.users.delete(u1.id);
    assert.deepEqual(await store.linkedIdentities.listOfProvider(p.id), []);
  });
});

contract('SSO policies and sync runs', (it) => {
  it('keeps SSO-only per user and break-glass per tenant', async ({ store }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    assert.equal(await store.ssoPolicies.isSsoOnly(u.id), false);
    await store.ssoPolicies.setSsoOnly(t.id, u.id, true);
    assert.equal(await store.ssoPolicies.isSsoOnly(u.id), true);
    await store.ssoPolicies.setSsoOnly(t.id, u.id, false);
    assert.equal(await store.ssoPolicies.isSsoOnly(u.id), false);
    await assert.rejects(
      store.ssoPolicies.setSsoOnly(t.id, '00000000-0000-0000-0000-000000000000', true),
      palisadeError('not_found'),
    );
    assert.deepEqual(await store.ssoPolicies.tenantPolicy(t.id), { breakGlassLocalAdmin: false });
    await store.ssoPolicies.setTenantPolicy(t.id, { breakGlassLocalAdmin: true });
    assert.deepEqual(await store.ssoPolicies.tenantPolicy(t.id), { breakGlassLocalAdmin: true });
  });

  it('records sync runs and lists them newest first', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const p = await provider(store, t.id);
    const report: LdapSyncReport = {
      dryRun: true,
      seen: 2,
      created: ['ann'],
      updated: [{ username: 'bob', changes: ['email'] }],
      disabled: [{ username: 'cy', reason: 'gone' }],
      unchanged: 0,
      skipped: [],
      error: null,
    };
    const base = { tenantId: t.id, providerId: p.id, outcome: 'success' as const, report };
    const first = await store.ssoSyncRuns.record({
      ...base,
      dryRun: true,
      startedAt: clock.now(),
      finishedAt: clock.now() + 1,
    });
    const second = await store.ssoSyncRuns.record({
      ...base,
      dryRun: false,
      startedAt: clock.now() + 5,
      finishedAt: clock.now() + 6,
    });
    assert.deepEqual(await store.ssoSyncRuns.list(p.id), [second, first]);
    assert.deepEqual(first.report, report);
    assert.deepEqual(await store.ssoSyncRuns.list(p.id, 1), [second]);
  });
});
