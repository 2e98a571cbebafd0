/**
 * The SSO API on a real Palisade (HTTPS on loopback): provider setup with
 * the secret sealed, "test connection", directory sync with its report,
 * the OIDC start/callback routes with the pending-login cookie, and the
 * hand-over to the session port: first with a test client, then in
 * headless Chromium. The session port is the web session layer's; here a
 * recording one stands in for it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SsoSessionPort, SsoSessionRequest } from '@palisade/api';
import { ALL_PERMISSIONS, hashPassword } from '@palisade/security';
import { chromium } from 'playwright-core';
import { debianPeer } from '../../support/debian.ts';
import type { TestPalisade } from '../../support/palisade.ts';
import { CookieJar, followToCallback } from './browse.ts';
import { startOidcPeer, type OidcPeer } from './oidc-provider-peer.ts';
import { startSsoServer } from './sso-server-setup.ts';
import { slapdAdConfig, SVC_PW, startSlapd, type Slapd } from './slapd-peer.ts';

const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');
const browser = debianPeer('chromium', 'chromium');

describe('SSO API on a running server', { timeout: 240_000 }, () => {
  let p: TestPalisade;
  let base: string;
  let admin: string;
  let idp: OidcPeer;
  let slapd: Slapd | null = null;
  let providerId = '';
  const completed: SsoSessionRequest[] = [];
  /** The user the stand-in session layer says the browser is signed in as. */
  let sessionUser: string | null = null;
  /** The port the server wired to the web login. */
  let realPort: SsoSessionPort;
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${admin}` });

  before(async () => {
    ({ p, base } = await startSsoServer());
    const d = p.server.domain;
    admin = (
      await d.tokens.issue({
        tenantId: d.defaultTenant.id,
        name: 'admin',
        scopes: ALL_PERMISSIONS.filter((x) => x.endsWith(':change')),
        by: { id: 'cli' },
        granterPermissions: null,
      })
    ).token;
    // A stand-in for the web session layer records the hand-over (one test puts the real one back).
    realPort = d.sso.session;
    (d.sso as { session: SsoSessionPort }).session = completedRecorder();
  });

  function completedRecorder(): SsoSessionPort {
    return {
      completeSsoLogin(req) {
        completed.push(req);
        return Promise.resolve(req.reply.redirect('/app?signed-in=1', 303));
      },
      currentSession: () =>
        Promise.resolve(sessionUser ? { userId: sessionUser, sessionId: 'stand-in' } : null),
    };
  }

  after(async () => {
    await idp?.stop();
    await slapd?.stop();
    await p?.stop();
  });

  test('OIDC provider setup: presets, derived redirect URI, secret sealed and never shown', async () => {
    const bad = await p.client.call('POST', '/api/v1/sso/providers', {
      headers: auth(),
      body: {
        kind: 'oidc',
        name: 'M365',
        enabled: true,
        secret: 's',
        config: {
          preset: 'microsoft',
          issuer: '',
          microsoftTenantId: 'common',
          clientId: 'x',
          scopes: ['openid'],
          idTokenAlg: 'RS256',
          allowHttpLoopback: false,
          trustIdpMfa: false,
          mfaAcrValues: [],
          jitCreate: false,
          allowedEmailDomains: [],
          defaultGroupId: null,
        },
      },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.text, /\(tenant\) ID/);
    assert.equal(
      (await p.client.call('GET', '/api/v1/sso/providers', { headers: auth() })).json<unknown[]>()
        .length,
      0,
    );

    const secret = 'palisade-test-client-secret-0123456789';
    const res = await p.client.call('POST', '/api/v1/sso/providers', {
      headers: auth(),
      body: {
        kind: 'oidc',
        name: 'Test IdP',
        enabled: true,
        secret,
        config: {
          preset: 'generic',
          issuer: 'http://127.0.0.1:1',
          clientId: 'palisade-test',
          scopes: ['openid', 'email', 'profile'],
          idTokenAlg: 'RS256',
          allowHttpLoopback: true,
          trustIdpMfa: false,
          mfaAcrValues: [],
          jitCreate: true,
          allowedEmailDomains: ['corp.test'],
          defaultGroupId: null,
        },
      },
    });
    assert.equal(res.status, 201, res.text);
    const created = res.json<{ id: string; hasSecret: boolean; config: { redirectUri: string } }>();
    providerId = created.id;
    assert.equal(created.hasSecret, true);
    assert.equal(created.config.redirectUri, `${base}/api/v1/sso/oidc/${providerId}/callback`);
    assert.ok(!res.text.includes(secret));
    const stored = await p.server.domain.store.ssoProviders.findById(providerId);
    assert.ok(stored?.sealedSecret && !stored.sealedSecret.includes(secret));

    const current = (
      await p.client.call('GET', `/api/v1/sso/providers/${providerId}`, { headers: auth() })
    ).json<{ config: Record<string, unknown> }>().config;
    const { redirectUri: _uri, ...currentSettings } = current;
    const google = await p.client.call('POST', '/api/v1/sso/providers', {
      headers: auth(),
      body: {
        kind: 'oidc',
        name: 'Google',
        enabled: false,
        config: { ...currentSettings, preset: 'google', issuer: '' },
      },
    });
    assert.equal(google.status, 201, google.text);
    assert.equal(
      google.json<{ config: { issuer: string } }>().config.issuer,
      'https://accounts.google.com',
    );

    idp = await startOidcPeer(() => [created.config.redirectUri]);
    idp.accounts.set('alice', {
      password: 'alice-idp-pw',
      email: 'alice@corp.test',
      emailVerified: true,
      name: 'Alice Adams',
    });
    const cfg = (
      await p.client.call('GET', `/api/v1/sso/providers/${providerId}`, { headers: auth() })
    ).json<{ config: Record<string, unknown> }>().config;
    const { redirectUri: _r, ...settings } = cfg;
    const patched = await p.client.call('PATCH', `/api/v1/sso/providers/${providerId}`, {
      headers: auth(),
      body: { config: { ...settings, issuer: idp.issuer } },
    });
    assert.equal(patched.status, 200, patched.text);
    const check = await p.client.call('POST', `/api/v1/sso/providers/${providerId}/test`, {
      headers: auth(),
    });
    assert.equal(check.json<{ ok: boolean }>().ok, true, check.text);
  });

  test('OIDC start and callback over HTTPS: cookie attributes, hand-over to the session port, audit', async () => {
    const start = await p.client.call('GET', `/api/v1/sso/oidc/${providerId}/start`);
    assert.equal(start.status, 303);
    const location = String(start.headers['location']);
    assert.ok(location.startsWith(`${idp.issuer}/auth?`), location);
    const cookie = ([] as string[])
      .concat(start.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-palisade-sso='))!;
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    const back = await followToCallback(
      location,
      (u) => u.href.startsWith(base),
      { login: 'alice', password: 'alice-idp-pw' },
      new CookieJar(),
    );
    assert.equal(back.pathname, `/api/v1/sso/oidc/${providerId}/callback`);
    const pair = cookie.split(';')[0]!;
    // Without the browser's cookie the callback is refused (state bound to the browser).
    const stranger = await p.client.call('GET', back.pathname + back.search);
    assert.equal(stranger.status, 303);
    assert.match(String(stranger.headers['location']), /sso_error=state-mismatch/);
    assert.equal(completed.length, 0);
    // The first callback attempt above did not consume the code: the real browser's works.
    const done = await p.client.call('GET', back.pathname + back.search, {
      headers: { cookie: pair },
    });
    assert.equal(done.status, 303, done.text);
    assert.equal(done.headers['location'], '/app?signed-in=1');
    assert.equal(completed.length, 1);
    const a = completed[0]!.authenticated;
    const user = await p.server.domain.store.users.findById(a.userId);
    assert.equal(user?.email, 'alice@corp.test');
    assert.equal(a.providerId, providerId);
    assert.equal(a.mfa.result, 'not-required');
    const audit = await p.client.call('GET', '/api/v1/audit?action=sso&limit=100', {
      headers: auth(),
    });
    assert.match(audit.text, /sso\.login/);
    assert.match(audit.text, /sso\.provider-create/);
  });

  test('linking through the callback completes only in the session of the user who started it', async () => {
    const d = p.server.domain;
    const bob = await d.store.users.create({
      tenantId: d.defaultTenant.id,
      username: 'bob-local',
      extension: '4001',
      displayName: 'Bob',
    });
    idp.accounts.set('bob-at-idp', {
      password: 'bob-idp-pw',
      email: 'bob@elsewhere.test',
      emailVerified: true,
      name: 'Bob',
    });
    const linkOnce = async (signedInAs: string | null) => {
      const started = await d.sso.oidc.start({ providerId, linkUserId: bob.id });
      const back = await followToCallback(
        started.authorizationUrl,
        (u) => u.href.startsWith(base),
        { login: 'bob-at-idp', password: 'bob-idp-pw' },
      );
      sessionUser = signedInAs;
      const res = await p.client.call('GET', back.pathname + back.search, {
        headers: { cookie: `__Host-palisade-sso=${started.pendingCookie}` },
      });
      sessionUser = null;
      return String(res.headers['location']);
    };
    assert.match(await linkOnce(null), /sso_error=state-mismatch/);
    assert.match(await linkOnce('somebody-else'), /sso_error=state-mismatch/);
    assert.equal(await linkOnce(bob.id), '/?sso_linked=1');
    const links = await d.store.linkedIdentities.listOfUser(bob.id);
    assert.deepEqual(
      links.map((l) => l.subject),
      ['bob-at-idp'],
    );
  });

  test('an admin links an identity to an account; the next IdP sign-in lands there', async () => {
    const d = p.server.domain;
    const carl = await d.store.users.create({
      tenantId: d.defaultTenant.id,
      username: 'carl',
      extension: '4002',
      displayName: 'Carl',
    });
    idp.accounts.set('carl-at-idp', {
      password: 'carl-idp-pw',
      email: 'carl@partner.test',
      emailVerified: true,
      name: 'Carl',
    });
    const path = `/api/v1/users/${carl.id}/identities`;
    const linked = await p.client.call('POST', path, {
      headers: auth(),
      body: { providerId, subject: 'carl-at-idp' },
    });
    assert.equal(linked.status, 201, linked.text);
    const again = await p.client.call('POST', path, {
      headers: auth(),
      body: { providerId, subject: 'carl-at-idp' },
    });
    assert.equal(again.status, 409);
    const start = await p.client.call('GET', `/api/v1/sso/oidc/${providerId}/start`);
    const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
    const back = await followToCallback(
      String(start.headers['location']),
      (u) => u.href.startsWith(base),
      { login: 'carl-at-idp', password: 'carl-idp-pw' },
    );
    const res = await p.client.call('GET', back.pathname + back.search, { headers: { cookie } });
    assert.equal(res.headers['location'], '/app?signed-in=1');
    assert.equal(completed.at(-1)?.authenticated.userId, carl.id);
    const list = await p.client.call('GET', path, { headers: auth() });
    const [identity] = list.json<{ id: string; subject: string; lastLoginAt: number | null }[]>();
    assert.equal(identity?.subject, 'carl-at-idp');
    assert.notEqual(identity?.lastLoginAt, null);
    const removed = await p.client.call('DELETE', `${path}/${identity.id}`, { headers: auth() });
    assert.equal(removed.status, 200);
    assert.deepEqual((await p.client.call('GET', path, { headers: auth() })).json(), []);
  });

  test('wired to the web login: the IdP sign-in ends in a session cookie that the self routes accept', async () => {
    const d = p.server.domain;
    (d.sso as { session: SsoSessionPort }).session = realPort;
    try {
      const start = await p.client.call('GET', `/api/v1/sso/oidc/${providerId}/start`);
      const pending = ([] as string[]).concat(start.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
      const back = await followToCallback(
        String(start.headers['location']),
        (u) => u.href.startsWith(base),
        { login: 'alice', password: 'alice-idp-pw' },
      );
      const done = await p.client.call('GET', back.pathname + back.search, {
        headers: { cookie: pending },
      });
      assert.equal(done.status, 303, done.text);
      assert.equal(done.headers['location'], '/');
      const session = ([] as string[])
        .concat(done.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('__Host-palisade='));
      assert.ok(session, JSON.stringify(done.headers['set-cookie']));
      assert.match(session, /HttpOnly/);
      const mine = await p.client.call('GET', '/api/v1/me/identities', {
        headers: { cookie: session.split(';')[0]! },
      });
      assert.equal(mine.status, 200, mine.text);
      assert.deepEqual(
        mine.json<{ subject: string }[]>().map((i) => i.subject),
        ['alice'],
      );
      const audit = await d.store.auditLog.query({ actionPrefix: 'auth.login' });
      assert.ok(
        audit.entries.some((e) => e.outcome === 'success' && e.detail['method'] === 'oidc'),
      );
    } finally {
      (d.sso as { session: SsoSessionPort }).session = completedRecorder();
    }
  });

  test('"SSO only" refuses the local password like a wrong one; break-glass lets an admin in', async () => {
    const d = p.server.domain;
    const user = await d.store.users.create({
      tenantId: d.defaultTenant.id,
      username: 'dora',
      extension: '4003',
      displayName: 'Dora',
    });
    await d.store.users.update(user.id, {
      passwordHash: await hashPassword('a long local password 123'),
    });
    const login = () =>
      p.client.call('POST', '/api/v1/auth/login', {
        body: { username: 'dora', password: 'a long local password 123' },
      });
    assert.equal((await login()).status, 200);
    const set = await p.client.call('PUT', `/api/v1/users/${user.id}/sso-only`, {
      headers: auth(),
      body: { ssoOnly: true },
    });
    assert.equal(set.status, 200, set.text);
    // Its right local password now gets a wrong password's answer: no oracle.
    const refused = await login();
    assert.equal(refused.status, 401);
    assert.equal(refused.json<{ message: string }>().message, 'wrong user name or password');
    const guessed = await p.client.call('POST', '/api/v1/auth/login', {
      body: { username: 'dora', password: 'a wrong local password 123' },
    });
    assert.equal(guessed.status, 401);
    assert.equal(guessed.json<{ message: string }>().message, 'wrong user name or password');
    // An admin who is SSO only gets in locally only when the tenant keeps break-glass.
    const admins = (await d.store.groups.findByName(d.defaultTenant.id, 'Admins'))!;
    await d.store.groups.addMember(admins.id, user.id);
    assert.equal((await login()).status, 401);
    await p.client.call('PUT', '/api/v1/sso/policy', {
      headers: auth(),
      body: { breakGlassLocalAdmin: true },
    });
    // The refusals counted as failed logins; an admin lifts the throttle.
    const unlock = await p.client.call('POST', `/api/v1/users/${user.id}/unlock`, {
      headers: auth(),
      body: {},
    });
    assert.equal(unlock.status, 200, unlock.text);
    assert.equal((await login()).status, 200);
  });

  test('linked identities are for signed-in users only (API tokens get 403)', async () => {
    const res = await p.client.call('GET', '/api/v1/me/identities', { headers: auth() });
    assert.equal(res.status, 403);
  });

  test(
    'headless Chromium signs in through the IdP login page',
    { skip: browser.skip },
    async () => {
      const before = completed.length;
      const b = await chromium.launch({
        executablePath: browser.path!,
        headless: true,
        args: ['--no-sandbox'],
        timeout: 30_000,
      });
      try {
        const ctx = await b.newContext({ ignoreHTTPSErrors: true });
        const page = await ctx.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(`${base}/api/v1/sso/oidc/${providerId}/start`);
        await page.waitForURL((u) => u.pathname.startsWith('/interaction/'));
        await page.fill('#login', 'alice');
        await page.fill('#password', 'alice-idp-pw');
        await Promise.all([
          page.waitForURL((u) => u.href.startsWith(`${base}/app`)),
          page.click('#submit'),
        ]);
        assert.equal(completed.length, before + 1);
        assert.equal(completed.at(-1)?.respondWith, 'redirect');
        // The pending cookie was cleared by the callback.
        const cookies = await ctx.cookies(base);
        assert.ok(!cookies.some((c) => c.name === '__Host-palisade-sso' && c.value !== ''));
      } finally {
        await b.close();
      }
    },
  );

  test(
    'LDAP provider over the API: test connection, sync dry run and run, sign-in',
    { skip: slapdBin.skip ?? ldapUtils.skip },
    async () => {
      slapd = await startSlapd(slapdBin.path!, p.dataDir);
      const body = {
        kind: 'ldap',
        name: 'Corp AD',
        enabled: true,
        secret: SVC_PW,
        config: slapdAdConfig(slapd),
      };
      const created = await p.client.call('POST', '/api/v1/sso/providers', {
        headers: auth(),
        body,
      });
      assert.equal(created.status, 201, created.text);
      const id = created.json<{ id: string }>().id;
      const ok = await p.client.call('POST', `/api/v1/sso/providers/${id}/test`, {
        headers: auth(),
      });
      assert.equal(ok.json<{ ok: boolean }>().ok, true, ok.text);
      await p.client.call('PATCH', `/api/v1/sso/providers/${id}`, {
        headers: auth(),
        body: { secret: 'wrong' },
      });
      const bad = await p.client.call('POST', `/api/v1/sso/providers/${id}/test`, {
        headers: auth(),
      });
      assert.match(bad.text, /service account DN or password is wrong/);
      await p.client.call('PATCH', `/api/v1/sso/providers/${id}`, {
        headers: auth(),
        body: { secret: SVC_PW },
      });
      const dry = await p.client.call('POST', `/api/v1/sso/providers/${id}/sync`, {
        headers: auth(),
        body: { dryRun: true },
      });
      assert.equal(dry.status, 200, dry.text);
      assert.deepEqual(dry.json<{ report: { created: string[] } }>().report.created.sort(), [
        'alice',
        'bob',
        'carol',
      ]);
      const run = await p.client.call('POST', `/api/v1/sso/providers/${id}/sync`, {
        headers: auth(),
        body: { dryRun: false },
      });
      assert.equal(run.json<{ outcome: string }>().outcome, 'success');
      const runs = await p.client.call('GET', `/api/v1/sso/providers/${id}/sync-runs`, {
        headers: auth(),
      });
      assert.equal(runs.json<unknown[]>().length, 2);
      const login = await p.client.call('POST', `/api/v1/sso/ldap/${id}/login`, {
        body: { username: 'bob', password: 'Bob-pw-1' },
      });
      assert.equal(login.status, 303, login.text);
      assert.equal(completed.at(-1)?.respondWith, 'json');
      const wrong = await p.client.call('POST', `/api/v1/sso/ldap/${id}/login`, {
        body: { username: '*)(sAMAccountName=*', password: 'Bob-pw-1' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json<{ message: string }>().message, 'wrong user name or password');
    },
  );
});
