/**
 * OpenID Connect sign-in against a real OpenID provider (`oidc-provider`)
 * driven through the full authorization code flow with PKCE, and the
 * negative cases (tampered iss/aud/nonce, expired, wrong signature,
 * alg=none, mix-up) against a token endpoint that serves minted tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '@palisade/common';
import {
  OidcLoginService,
  SsoIdentityResolver,
  providerSecretContext,
  ssoFailureReason,
  type OidcProviderConfig,
  type SsoProvider,
} from '@palisade/security';
import { followToCallback } from './browse.ts';
import { mintJwt, startFakeTokenIdp, type FakeTokenIdp } from './fake-token-idp.ts';
import { startOidcPeer, type OidcPeer } from './oidc-provider-peer.ts';
import { ssoFixture, type SsoFixture } from './sso-fixture.ts';

type OidcProvider = SsoProvider & { kind: 'oidc' };
const PALISADE = 'https://pbx.corp.test';

describe('OpenID Connect code flow', { timeout: 120_000 }, () => {
  let f: SsoFixture;
  let idp: OidcPeer;
  let fake: FakeTokenIdp;
  let service: OidcLoginService;
  let main: OidcProvider;
  let second: OidcProvider;
  let minted: OidcProvider;

  function config(issuer: string, over: Partial<OidcProviderConfig> = {}): OidcProviderConfig {
    return {
      preset: 'generic',
      issuer,
      clientId: 'palisade-test',
      redirectUri: `${PALISADE}/api/v1/sso/oidc/pending/callback`,
      scopes: ['openid', 'email', 'profile'],
      idTokenAlg: 'RS256',
      allowHttpLoopback: true,
      jitCreate: true,
      allowedEmailDomains: ['corp.test'],
      defaultGroupId: f.users.id,
      trustIdpMfa: false,
      mfaAcrValues: [],
      ...over,
    };
  }

  async function provider(
    name: string,
    c: OidcProviderConfig,
    secret: string | null,
  ): Promise<OidcProvider> {
    const p = await f.store.ssoProviders.create({
      tenantId: f.tenant.id,
      kind: 'oidc',
      name,
      enabled: true,
      config: c,
      sealedSecret: null,
    });
    return (await f.store.ssoProviders.update(p.id, {
      config: { ...c, redirectUri: `${PALISADE}/api/v1/sso/oidc/${p.id}/callback` },
      sealedSecret: secret ? f.secretBox.seal(secret, providerSecretContext(p.id)) : null,
    })) as OidcProvider;
  }

  async function setConfig(
    p: OidcProvider,
    over: Partial<OidcProviderConfig>,
  ): Promise<OidcProvider> {
    return (await f.store.ssoProviders.update(p.id, {
      config: { ...p.config, ...over },
    })) as OidcProvider;
  }

  /** Start, log in at the IdP, come back: the callback's query string and the cookie. */
  async function flow(p: OidcProvider, login: string, password: string, linkUserId?: string) {
    const started = await service.start({
      providerId: p.id,
      ...(linkUserId ? { linkUserId } : {}),
    });
    const back = await followToCallback(
      started.authorizationUrl,
      (u) => u.href.startsWith(PALISADE),
      { login, password },
    );
    return { started, back, query: back.search.slice(1) };
  }

  async function reason(work: Promise<unknown>): Promise<string | null> {
    try {
      await work;
      return null;
    } catch (err) {
      return ssoFailureReason(err) ?? `unexpected: ${String(err)}`;
    }
  }

  before(async () => {
    f = await ssoFixture('oidc');
    service = new OidcLoginService({
      providers: f.store.ssoProviders,
      resolver: new SsoIdentityResolver(f.store.linkedIdentities, f.accounts, systemClock),
      identities: f.store.linkedIdentities,
      accounts: f.accounts,
      audit: f.audit,
      clock: systemClock,
      pendingBox: f.pendingBox,
      secretBox: f.secretBox,
      timeoutSeconds: 5,
    });
    // Providers first (their ids are in the redirect URIs), then the IdP that registers those URIs.
    main = await provider(
      'Test IdP',
      config('http://127.0.0.1:1'),
      'palisade-test-client-secret-0123456789',
    );
    second = await provider(
      'Second IdP',
      config('http://127.0.0.1:1'),
      'palisade-test-client-secret-0123456789',
    );
    idp = await startOidcPeer(() => [main.config.redirectUri, second.config.redirectUri]);
    main = await setConfig(main, { issuer: idp.issuer });
    second = await setConfig(second, { issuer: idp.issuer });
    idp.accounts.set('alice', {
      password: 'alice-idp-pw',
      email: 'alice@corp.test',
      emailVerified: true,
      name: 'Alice Adams',
    });
    idp.accounts.set('mallory', {
      password: 'mallory-pw',
      email: 'mallory@evil.test',
      emailVerified: true,
      name: 'Mallory',
    });
    idp.accounts.set('unverified', {
      password: 'u-pw',
      email: 'uv@corp.test',
      emailVerified: false,
      name: 'Unverified',
    });
    idp.accounts.set('boss', {
      password: 'boss-pw',
      email: 'boss@corp.test',
      emailVerified: true,
      name: 'Boss',
      amr: ['pwd', 'otp'],
      acr: 'urn:test:mfa',
    });
    fake = await startFakeTokenIdp();
    minted = await provider('Minted', config(fake.issuer), 'fake-secret');
  });

  after(async () => {
    await idp?.stop();
    await fake?.stop();
    await f?.close();
  });

  test('the authorization request carries PKCE S256, state, nonce and the exact redirect URI', async () => {
    const started = await service.start({ providerId: main.id });
    const u = new URL(started.authorizationUrl);
    assert.equal(u.origin, idp.issuer);
    assert.equal(u.searchParams.get('response_type'), 'code');
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.match(u.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((u.searchParams.get('state') ?? '').length >= 32);
    assert.ok((u.searchParams.get('nonce') ?? '').length >= 32);
    assert.equal(u.searchParams.get('redirect_uri'), main.config.redirectUri);
    // The cookie holds the verifier sealed: none of it is readable.
    assert.ok(!started.pendingCookie.includes(u.searchParams.get('state')!));
  });

  test('full code flow: login at the IdP, callback, account created just in time and linked by (iss, sub)', async () => {
    const { started, back, query } = await flow(main, 'alice', 'alice-idp-pw');
    assert.equal(back.searchParams.get('iss'), idp.issuer, 'RFC 9207 iss parameter');
    const result = await service.callback({
      providerId: main.id,
      query,
      pendingCookie: started.pendingCookie,
      remote: { remoteAddress: '127.0.0.1', remotePort: 40000 },
    });
    assert.equal(result.kind, 'login');
    if (result.kind !== 'login') return;
    const a = result.authenticated;
    assert.equal(a.created, true);
    assert.equal(a.issuer, idp.issuer);
    assert.equal(a.subject, 'alice');
    assert.equal(a.mfa.result, 'not-required');
    const user = await f.store.users.findById(a.userId);
    assert.equal(user?.email, 'alice@corp.test');
    assert.deepEqual(
      (await f.store.groups.listGroupsOfUser(a.userId)).map((g) => g.name),
      ['Users'],
    );
    assert.deepEqual(
      (await f.store.linkedIdentities.listOfUser(a.userId)).map((l) => [l.issuer, l.subject]),
      [[idp.issuer, 'alice']],
    );
    // The code is single use: replaying the same callback fails.
    assert.notEqual(
      await reason(
        service.callback({ providerId: main.id, query, pendingCookie: started.pendingCookie }),
      ),
      null,
    );
    // A second login finds the same account.
    const again = await flow(main, 'alice', 'alice-idp-pw');
    const r2 = await service.callback({
      providerId: main.id,
      query: again.query,
      pendingCookie: again.started.pendingCookie,
    });
    assert.equal(r2.kind === 'login' && r2.authenticated.userId, a.userId);
    const audit = await f.store.auditLog.query({ actionPrefix: 'sso' });
    assert.ok(
      audit.entries.some(
        (e) => e.action === 'sso.account-create' && e.target === `user:${a.userId}`,
      ),
    );
    assert.ok(
      audit.entries.some(
        (e) =>
          e.action === 'sso.login' && e.outcome === 'success' && e.remoteAddress === '127.0.0.1',
      ),
    );
  });

  test('an e-mail outside the allowed domains, or unverified, gets no account; JIT off means not linked', async () => {
    const m = await flow(main, 'mallory', 'mallory-pw');
    assert.equal(
      await reason(
        service.callback({
          providerId: main.id,
          query: m.query,
          pendingCookie: m.started.pendingCookie,
        }),
      ),
      'domain-not-allowed',
    );
    const u = await flow(main, 'unverified', 'u-pw');
    assert.equal(
      await reason(
        service.callback({
          providerId: main.id,
          query: u.query,
          pendingCookie: u.started.pendingCookie,
        }),
      ),
      'email-unverified',
    );
    const off = await setConfig(second, { jitCreate: false });
    const b = await flow(off, 'boss', 'boss-pw');
    assert.equal(
      await reason(
        service.callback({
          providerId: off.id,
          query: b.query,
          pendingCookie: b.started.pendingCookie,
        }),
      ),
      'not-linked',
    );
    assert.equal(await f.store.users.findByUsername(f.tenant.id, 'boss'), null);
    const failures = (await f.store.auditLog.query({ actionPrefix: 'sso.login' })).entries.filter(
      (e) => e.outcome === 'failure',
    );
    assert.deepEqual(
      ['domain-not-allowed', 'email-unverified', 'not-linked'].map((r) =>
        failures.some((e) => e.detail['reason'] === r),
      ),
      [true, true, true],
    );
  });

  test("linking needs the account's own session; the same identity cannot be linked twice", async () => {
    const local = await f.store.users.create({
      tenantId: f.tenant.id,
      username: 'boss',
      extension: '3001',
      displayName: 'The Boss',
    });
    const admins = (await f.store.groups.findByName(f.tenant.id, 'Admins'))!;
    await f.store.groups.addMember(admins.id, local.id);
    // Started by boss, completed in a session of somebody else: refused.
    const wrong = await flow(second, 'boss', 'boss-pw', local.id);
    assert.equal(
      await reason(
        service.callback({
          providerId: second.id,
          query: wrong.query,
          pendingCookie: wrong.started.pendingCookie,
          currentUserId: 'someone-else',
        }),
      ),
      'state-mismatch',
    );
    const ok = await flow(second, 'boss', 'boss-pw', local.id);
    const linked = await service.callback({
      providerId: second.id,
      query: ok.query,
      pendingCookie: ok.started.pendingCookie,
      currentUserId: local.id,
    });
    assert.equal(linked.kind, 'linked');
    // Now the IdP login resolves to the linked account, and MFA: untrusted provider → our own factor.
    const login = await flow(second, 'boss', 'boss-pw');
    const r = await service.callback({
      providerId: second.id,
      query: login.query,
      pendingCookie: login.started.pendingCookie,
    });
    assert.equal(r.kind === 'login' && r.authenticated.userId, local.id);
    assert.deepEqual(r.kind === 'login' && r.authenticated.amr, ['pwd', 'otp']);
    assert.equal(r.kind === 'login' && r.authenticated.mfa.result, 'ask-local-factor');
    // Trusted for MFA: the IdP's otp satisfies "MFA required" for this admin.
    const trusted = await setConfig(second, { trustIdpMfa: true });
    const t = await flow(trusted, 'boss', 'boss-pw');
    const rt = await service.callback({
      providerId: trusted.id,
      query: t.query,
      pendingCookie: t.started.pendingCookie,
    });
    assert.deepEqual(rt.kind === 'login' && rt.authenticated.mfa, {
      result: 'satisfied-by-idp',
      evidence: 'amr:otp',
    });
    // Linking again (to anyone) is refused.
    const dup = await flow(trusted, 'boss', 'boss-pw', local.id);
    assert.equal(
      await reason(
        service.callback({
          providerId: trusted.id,
          query: dup.query,
          pendingCookie: dup.started.pendingCookie,
          currentUserId: local.id,
        }),
      ),
      'already-linked',
    );
    const links = (await f.store.auditLog.query({ actionPrefix: 'sso.link' })).entries;
    assert.ok(links.some((e) => e.outcome === 'success' && e.target === `user:${local.id}`));
  });

  test('browser binding and mix-up: no cookie, a cookie of another provider or another login, a tampered state', async () => {
    const a = await flow(main, 'alice', 'alice-idp-pw');
    assert.equal(
      await reason(service.callback({ providerId: main.id, query: a.query, pendingCookie: null })),
      'state-mismatch',
    );
    // The same IdP behind two providers: provider B's callback refuses provider A's login.
    assert.equal(
      await reason(
        service.callback({
          providerId: second.id,
          query: a.query,
          pendingCookie: a.started.pendingCookie,
        }),
      ),
      'state-mismatch',
    );
    const other = await service.start({ providerId: main.id });
    assert.equal(
      await reason(
        service.callback({
          providerId: main.id,
          query: a.query,
          pendingCookie: other.pendingCookie,
        }),
      ),
      'state-mismatch',
    );
    const tampered = a.query.replace(/state=[^&]+/, 'state=forged');
    assert.equal(
      await reason(
        service.callback({
          providerId: main.id,
          query: tampered,
          pendingCookie: a.started.pendingCookie,
        }),
      ),
      'state-mismatch',
    );
    const flipped =
      a.started.pendingCookie.slice(0, -2) + (a.started.pendingCookie.endsWith('A') ? 'BB' : 'AA');
    assert.equal(
      await reason(
        service.callback({ providerId: main.id, query: a.query, pendingCookie: flipped }),
      ),
      'state-mismatch',
    );
  });

  describe('ID tokens that must be refused', () => {
    let pending: { cookie: string; state: string; nonce: string };

    async function callbackWith(
      payload: (base: Record<string, unknown>) => Record<string, unknown>,
      opts: { alg?: string; key?: 'right' | 'other' | 'none'; iss?: string | null } = {},
    ) {
      const started = await service.start({ providerId: minted.id });
      const u = new URL(started.authorizationUrl);
      pending = {
        cookie: started.pendingCookie,
        state: u.searchParams.get('state')!,
        nonce: u.searchParams.get('nonce')!,
      };
      const now = Math.floor(Date.now() / 1000);
      const base = {
        iss: fake.issuer,
        aud: 'palisade-test',
        sub: 'minted-1',
        iat: now,
        exp: now + 300,
        nonce: pending.nonce,
        email: 'minted@corp.test',
        email_verified: true,
      };
      const key = opts.key === 'none' ? null : opts.key === 'other' ? fake.otherKey : fake.key;
      fake.setMinter(() =>
        mintJwt({ alg: opts.alg ?? 'RS256', kid: 'k1', typ: 'JWT' }, payload(base), key),
      );
      const q = new URLSearchParams({ code: 'code-1', state: pending.state });
      if (opts.iss !== null) q.set('iss', opts.iss ?? fake.issuer);
      return reason(
        service.callback({
          providerId: minted.id,
          query: q.toString(),
          pendingCookie: pending.cookie,
        }),
      );
    }

    test('a well-formed token passes (so each refusal below is about its one defect)', async () => {
      assert.equal(await callbackWith((b) => b), null);
      const form = fake.tokenRequests.at(-1)!;
      assert.equal(form.get('redirect_uri'), minted.config.redirectUri);
      assert.match(form.get('code_verifier') ?? '', /^[A-Za-z0-9_-]{43,128}$/);
    });

    test('tampered iss', async () => {
      assert.equal(
        await callbackWith((b) => ({ ...b, iss: 'http://127.0.0.1:9/evil' })),
        'issuer-mismatch',
      );
    });
    test('tampered aud', async () => {
      assert.equal(
        await callbackWith((b) => ({ ...b, aud: 'another-client' })),
        'audience-mismatch',
      );
    });
    test('tampered nonce', async () => {
      assert.equal(
        await callbackWith((b) => ({ ...b, nonce: 'replayed-nonce' })),
        'nonce-mismatch',
      );
    });
    test('missing nonce', async () => {
      assert.equal(await callbackWith(({ nonce: _n, ...b }) => b), 'nonce-mismatch');
    });
    test('expired token', async () => {
      assert.equal(
        await callbackWith((b) => ({
          ...b,
          iat: Number(b['iat']) - 7200,
          exp: Number(b['iat']) - 3600,
        })),
        'token-expired',
      );
    });
    test('signed with a key the IdP does not publish', async () => {
      assert.equal(await callbackWith((b) => b, { key: 'other' }), 'signature-invalid');
    });
    test('alg=none', async () => {
      assert.equal(await callbackWith((b) => b, { alg: 'none', key: 'none' }), 'alg-refused');
    });
    test('RFC 9207: a wrong or missing iss parameter in the authorization response', async () => {
      assert.equal(
        await callbackWith((b) => b, { iss: 'http://127.0.0.1:9/evil' }),
        'issuer-mismatch',
      );
      assert.notEqual(await callbackWith((b) => b, { iss: null }), null);
    });
    test('an error from the IdP is reported as such', async () => {
      const started = await service.start({ providerId: minted.id });
      const state = new URL(started.authorizationUrl).searchParams.get('state')!;
      const q = new URLSearchParams({ error: 'access_denied', state, iss: fake.issuer });
      assert.equal(
        await reason(
          service.callback({
            providerId: minted.id,
            query: q.toString(),
            pendingCookie: started.pendingCookie,
          }),
        ),
        'idp-error',
      );
    });
    test('every refusal is in the audit log with its category, no token in it', async () => {
      const entries = (await f.store.auditLog.query({ actionPrefix: 'sso.login', limit: 1000 }))
        .entries;
      const reasons = new Set(
        entries.filter((e) => e.outcome === 'failure').map((e) => e.detail['reason']),
      );
      for (const r of [
        'issuer-mismatch',
        'audience-mismatch',
        'nonce-mismatch',
        'token-expired',
        'signature-invalid',
        'alg-refused',
        'idp-error',
        'state-mismatch',
      ])
        assert.ok(reasons.has(r), r);
      assert.ok(!JSON.stringify(entries).includes('eyJ'), 'no JWT in the audit log');
    });
  });

  test('a disabled provider and an http issuer off loopback are refused', async () => {
    await f.store.ssoProviders.update(minted.id, { enabled: false });
    assert.equal(await reason(service.start({ providerId: minted.id })), 'provider-disabled');
    await f.store.ssoProviders.update(minted.id, { enabled: true });
    const offLoopback = await provider('Plain HTTP', config('http://idp.corp.test'), null);
    await assert.rejects(service.start({ providerId: offLoopback.id }), /https:\/\//);
  });
});
