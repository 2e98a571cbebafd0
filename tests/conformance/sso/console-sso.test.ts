/**
 * Single sign-on into the admin console on a real server (HTTPS on
 * loopback) against real peers: an OpenID provider from `oidc-provider`
 * (the code flow driven by a test client) and OpenLDAP slapd with StartTLS.
 *
 * - An admin signs in to the console through the IdP: Palisade's own TOTP is
 *   asked when the provider is not trusted for MFA, not when it is and the
 *   ID token says a second factor was used. The session is a console one
 *   (SameSite=Strict cookie, console lifetimes, admin permissions).
 * - A directory admin (group mapped to Admins) signs in to the console.
 * - A user whose ACL gives no console access gets no console session.
 * - The code and state of a user-app flow cannot finish as a console
 *   session (nor the state's area prefix be flipped).
 * - An "SSO only" admin's local password is refused, with a clear message,
 *   unless the tenant keeps break-glass; break-glass logins are audited and
 *   raised as security events.
 * Every console SSO login and refusal is in the audit log and among the
 * security events that go to syslog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '@palisade/pbx';
import { totpCode, type AuditEntry, type ProviderView } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { HttpResult } from '../../support/https-client.ts';
import type { TestPalisade } from '../../support/palisade.ts';
import { enrolTotp, makeUser, PASSWORD } from '../../e2e/identity/identity-fixtures.ts';
import { followToCallback } from './browse.ts';
import type { OidcPeer } from './oidc-provider-peer.ts';
import {
  addLdapProvider,
  addOidcProvider,
  linkIdpAccount,
  startSsoServer,
  trustIdpMfa,
} from './sso-server-setup.ts';
import { SUFFIX, startSlapd, type Slapd } from './slapd-peer.ts';

const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');

function setCookies(r: HttpResult): string[] {
  return ([] as string[]).concat(r.headers['set-cookie'] ?? []);
}

function sessionCookieOf(r: HttpResult): string | undefined {
  return setCookies(r).find((c) => c.startsWith('__Host-palisade='));
}

describe('SSO into the admin console', { timeout: 240_000 }, () => {
  let p: TestPalisade;
  let base: string;
  let idp: OidcPeer;
  let oidc: ProviderView;
  let ada: User;
  let adaSeed: Uint8Array;
  let nick: User;
  let adaAtIdp: { login: string; password: string };
  let nickAtIdp: { login: string; password: string };
  let slapd: Slapd | undefined;

  before(async () => {
    ({ p, base } = await startSsoServer());
    ({ provider: oidc, idp } = await addOidcProvider(p, 'Corp IdP'));
    // ada: an admin with an authenticator app; at the IdP she signs in with a second factor.
    ada = await makeUser(p, 'ada', { admin: true });
    adaSeed = await enrolTotp(p, ada);
    adaAtIdp = await linkIdpAccount(p, idp, oidc.id, ada);
    // nick: a user-app user.
    nick = await makeUser(p, 'nick');
    nickAtIdp = await linkIdpAccount(p, idp, oidc.id, nick);
  });

  after(async () => {
    await idp?.stop();
    await slapd?.stop();
    await p?.stop();
  });

  /** Starts a sign-in for `client`, signs in at the IdP; the callback URL and the pending cookie. */
  async function throughIdp(
    client: 'console' | 'app',
    login: { login: string; password: string },
  ): Promise<{ callback: URL; pending: string; state: string }> {
    const start = await p.client.call(
      'GET',
      `/api/v1/sso/oidc/${oidc.id}/start${client === 'console' ? '?client=console' : ''}`,
    );
    assert.equal(start.status, 303, start.text);
    const location = String(start.headers['location']);
    const pending = setCookies(start)
      .find((c) => c.startsWith('__Host-palisade-sso='))!
      .split(';')[0]!;
    const callback = await followToCallback(location, (u) => u.href.startsWith(base), login);
    return { callback, pending, state: new URL(location).searchParams.get('state') ?? '' };
  }

  function callback(url: URL, pending: string): Promise<HttpResult> {
    return p.client.call('GET', url.pathname + url.search, { headers: { cookie: pending } });
  }

  async function me(cookie: string) {
    const r = await p.client.call('GET', '/api/v1/auth/session', {
      headers: { cookie: cookie.split(';')[0]! },
    });
    assert.equal(r.status, 200, r.text);
    return r.json<{
      permissions: string[];
      mfaEnrolmentRequired: boolean;
      reauthenticatedAt: number;
      session: { kind: string; expiresAt: number };
    }>();
  }

  /** Palisade's own second step with a TOTP code (`stepAhead`: the next step's, when this one was used). */
  async function totpStep(
    loginToken: string | null,
    seed: Uint8Array,
    stepAhead = 0,
  ): Promise<HttpResult> {
    const r = await p.client.call('POST', '/api/v1/auth/login/mfa', {
      body: { loginToken, method: 'totp', code: totpCode(seed, Date.now() + stepAhead * 30_000) },
    });
    assert.equal(r.status, 200, r.text);
    return r;
  }

  async function audit(action: string, userId: string): Promise<AuditEntry[]> {
    const page = await p.server.domain.store.auditLog.query({ actionPrefix: action, limit: 1000 });
    return page.entries.filter((e) => e.target === `user:${userId}`);
  }

  /** A console session cookie: SameSite=Strict, and the console's absolute lifetime. */
  async function assertConsoleSession(cookie: string | undefined): Promise<void> {
    assert.ok(cookie, 'a session cookie');
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; HttpOnly/);
    const m = await me(cookie);
    assert.equal(m.session.kind, 'console');
    // Authenticated and given its lifetime in the same step.
    assert.equal(
      m.session.expiresAt - m.reauthenticatedAt,
      p.server.domain.identity.sessions.policy.console.absoluteMs,
    );
    assert.ok(m.permissions.includes('users:change'), m.permissions.join(' '));
  }

  test('an admin signs in to the console through the IdP, then Palisade asks her TOTP (provider not trusted for MFA)', async () => {
    const { callback: back, pending, state } = await throughIdp('console', adaAtIdp);
    assert.match(state, /^console\./, 'the state sent to the IdP names the area');
    const done = await callback(back, pending);
    assert.equal(done.status, 303, done.text);
    const location = String(done.headers['location']);
    assert.ok(location.startsWith('/login?to=console#'), location);
    assert.equal(sessionCookieOf(done), undefined, 'no session before the second factor');
    const fragment = new URLSearchParams(location.slice(location.indexOf('#') + 1));
    assert.equal(fragment.get('sso'), 'mfa');
    assert.ok(fragment.get('methods')?.split(',').includes('totp'));

    const wrong = await p.client.call('POST', '/api/v1/auth/login/mfa', {
      body: { loginToken: fragment.get('loginToken'), method: 'totp', code: '000000' },
    });
    assert.equal(wrong.status, 401);
    const mfa = await totpStep(fragment.get('loginToken'), adaSeed);
    await assertConsoleSession(sessionCookieOf(mfa));

    const sso = await audit('sso.login', ada.id);
    assert.ok(sso.some((e) => e.outcome === 'success' && e.detail['area'] === 'console'));
    const logins = await audit('auth.login', ada.id);
    const login = logins.find((e) => e.detail['method'] === 'oidc');
    assert.equal(login?.outcome, 'success');
    assert.equal(login?.detail['area'], 'console');
    assert.equal(login?.detail['stage'], 'mfa');
    assert.equal(login?.detail['mfa'], undefined, 'the IdP second factor did not count');
    assert.ok((await audit('auth.mfa', ada.id)).some((e) => e.outcome === 'success'));
    // The same entries went out as security events (syslog).
    assert.ok(
      p.events.some(
        (e) =>
          e.type === 'auth.login' &&
          e.method === 'oidc' &&
          e.detail?.['area'] === 'console' &&
          e.actor === `user:${ada.id}`,
      ),
    );
  });

  test('trusted for MFA: the IdP-asserted second factor counts and the console session is active at once', async () => {
    await trustIdpMfa(p, oidc, idp.issuer, true);
    try {
      const { callback: back, pending } = await throughIdp('console', adaAtIdp);
      const done = await callback(back, pending);
      assert.equal(done.status, 303, done.text);
      assert.equal(done.headers['location'], '/');
      await assertConsoleSession(sessionCookieOf(done));
      const login = (await audit('auth.login', ada.id)).find(
        (e) => e.detail['method'] === 'oidc' && e.detail['stage'] === 'active',
      );
      assert.equal(login?.detail['mfa'], 'amr:otp');
      assert.equal(login?.detail['area'], 'console');
    } finally {
      await trustIdpMfa(p, oidc, idp.issuer, false);
    }
  });

  test('a user without console access gets no console session through the IdP (the user app still works)', async () => {
    const { callback: back, pending } = await throughIdp('console', nickAtIdp);
    const refused = await callback(back, pending);
    assert.equal(refused.status, 303);
    assert.equal(refused.headers['location'], '/login?to=console&sso_error=no-console-access');
    assert.equal(sessionCookieOf(refused), undefined);
    const denied = (await audit('auth.login', nick.id)).find((e) => e.outcome === 'denied');
    assert.equal(denied?.detail['reason'], 'no console access');
    assert.equal(denied?.detail['area'], 'console');
    assert.equal(denied?.detail['method'], 'oidc');
    assert.ok(
      p.events.some(
        (e) => e.type === 'auth.login' && e.outcome === 'denied' && e.actor === `user:${nick.id}`,
      ),
    );

    const app = await throughIdp('app', nickAtIdp);
    assert.match(app.state, /^app\./);
    const ok = await callback(app.callback, app.pending);
    assert.equal(ok.headers['location'], '/');
    const cookie = sessionCookieOf(ok)!;
    assert.match(cookie, /; SameSite=Lax/);
    assert.equal((await me(cookie)).session.kind, 'app');
  });

  test("a user-app flow's code and state cannot finish as a console session", async () => {
    // ada completes a user-app sign-in at the IdP; her browser also holds a console one.
    const app = await throughIdp('app', adaAtIdp);
    const consoleFlow = await throughIdp('console', adaAtIdp);
    // The app flow's callback with the console flow's cookie: refused before the code is used.
    const replayed = await callback(app.callback, consoleFlow.pending);
    assert.equal(replayed.status, 303);
    assert.equal(replayed.headers['location'], '/login?to=console&sso_error=area-mismatch');
    assert.equal(sessionCookieOf(replayed), undefined);
    // Flipping the state's prefix does not help: the whole state is checked.
    const flipped = new URL(app.callback);
    flipped.searchParams.set('state', app.state.replace(/^app\./, 'console.'));
    const withConsoleCookie = await callback(flipped, consoleFlow.pending);
    assert.equal(
      withConsoleCookie.headers['location'],
      '/login?to=console&sso_error=state-mismatch',
    );
    const withAppCookie = await callback(flipped, app.pending);
    assert.equal(withAppCookie.headers['location'], '/?sso_error=area-mismatch');
    for (const r of [withConsoleCookie, withAppCookie]) assert.equal(sessionCookieOf(r), undefined);
    const failures = (await audit('sso.login', ada.id)).concat(
      (
        await p.server.domain.store.auditLog.query({ actionPrefix: 'sso.login', limit: 1000 })
      ).entries.filter((e) => e.target === null),
    );
    assert.ok(
      failures.some(
        (e) =>
          e.outcome === 'failure' &&
          e.detail['reason'] === 'area-mismatch' &&
          e.detail['area'] === 'console',
      ),
    );

    // The app flow itself still completes, as what it was started for: a user-app session
    // (after ada's own second factor).
    const own = await callback(app.callback, app.pending);
    const location = String(own.headers['location']);
    assert.ok(location.startsWith('/#sso=mfa&'), location);
    const mfa = await totpStep(
      new URLSearchParams(location.slice(2)).get('loginToken'),
      adaSeed,
      1,
    );
    const cookie = sessionCookieOf(mfa)!;
    assert.match(cookie, /; SameSite=Lax/);
    const session = await me(cookie);
    assert.equal(session.session.kind, 'app');
    assert.ok(!session.permissions.includes('users:view'));
    const users = await p.client.call('GET', '/api/v1/users', {
      headers: { cookie: cookie.split(';')[0]! },
    });
    assert.equal(users.status, 403);
  });

  test('"SSO only" admin: the local password is refused like a wrong one unless the tenant keeps break-glass', async () => {
    const d = p.server.domain;
    const sam = await makeUser(p, 'sam', { admin: true });
    const samSeed = await enrolTotp(p, sam);
    const dora = await makeUser(p, 'dora');
    for (const u of [sam, dora]) await d.sso.policies.setSsoOnly(u.tenantId, u.id, true);
    const login = (username: string, password = PASSWORD) =>
      p.client.call('POST', '/api/v1/auth/login', {
        body: { username, password, client: username === 'sam' ? 'console' : 'app' },
      });

    // The right local password and a wrong one get the same answer: no oracle.
    const refused = await login('sam');
    const wrong = await login('sam', 'not the password at all');
    for (const r of [refused, wrong]) {
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json<{ message: string }>().message, 'wrong user name or password');
    }
    assert.equal(refused.text, wrong.text);
    const denied = (await audit('auth.login', sam.id)).find((e) => e.outcome === 'failure');
    assert.equal(denied?.detail['reason'], 'sso-only');
    assert.equal(denied?.detail['area'], 'console');
    assert.equal((await audit('auth.break-glass', sam.id)).length, 0);

    await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: true });
    try {
      const breakGlass = await login('sam');
      assert.equal(breakGlass.status, 200, breakGlass.text);
      const pending = breakGlass.json<{ status: string; loginToken: string }>();
      // Break-glass is no way around the console's second factor.
      assert.equal(pending.status, 'mfa');
      await assertConsoleSession(sessionCookieOf(await totpStep(pending.loginToken, samSeed)));
      const event = (await audit('auth.break-glass', sam.id))[0];
      assert.equal(event?.outcome, 'success');
      assert.equal(event?.detail['area'], 'console');
      assert.ok(
        (await audit('auth.login', sam.id)).some(
          (e) => e.outcome === 'success' && e.detail['breakGlass'] === true,
        ),
      );
      assert.ok(
        p.events.some((e) => e.type === 'auth.break-glass' && e.actor === `user:${sam.id}`),
      );
      // Break-glass is for admins: an SSO-only user's local password stays refused.
      const user = await login('dora');
      assert.equal(user.status, 401);
      assert.equal(user.json<{ message: string }>().message, 'wrong user name or password');
    } finally {
      await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: false });
    }
  });

  test(
    'LDAP: a directory admin signs in to the console (enrolment first, then TOTP); a directory user is refused',
    { skip: slapdBin.skip ?? ldapUtils.skip },
    async () => {
      const d = p.server.domain;
      slapd = await startSlapd(slapdBin.path!, p.dataDir);
      const admins = (await d.store.groups.findByName(d.defaultTenant.id, 'Admins'))!;
      // Engineering (bob) administers Palisade; Sales (alice) does not.
      const ldap = await addLdapProvider(p, slapd, [
        { ldapGroupDn: `cn=Engineering,ou=groups,${SUFFIX}`, groupId: admins.id },
      ]);
      const ldapLogin = (username: string, password: string, client: 'console' | 'app') =>
        p.client.call('POST', `/api/v1/sso/ldap/${ldap.id}/login`, {
          body: { username, password, client },
        });

      const alice = await ldapLogin('alice', 'Alice-pw-1', 'console');
      assert.equal(alice.status, 403, alice.text);
      assert.match(alice.json<{ message: string }>().message, /no console access/);
      assert.equal(sessionCookieOf(alice), undefined);
      const aliceUser = (await d.store.users.findByUsername(d.defaultTenant.id, 'alice'))!;
      const aliceDenied = (await audit('auth.login', aliceUser.id)).find(
        (e) => e.outcome === 'denied',
      );
      assert.equal(aliceDenied?.detail['method'], 'ldap');
      assert.equal(aliceDenied?.detail['area'], 'console');

      // bob's first sign-in creates his account in Admins: no factor yet, so he must enrol one.
      const first = await ldapLogin('bob', 'Bob-pw-1', 'console');
      assert.equal(first.status, 200, first.text);
      const enrol = first.json<{ status: string; mfaEnrolmentRequired: boolean }>();
      assert.equal(enrol.status, 'active');
      assert.equal(enrol.mfaEnrolmentRequired, true);
      const restricted = sessionCookieOf(first)!;
      assert.match(restricted, /; SameSite=Strict/);
      const bobMe = await me(restricted);
      assert.equal(bobMe.session.kind, 'console');
      assert.deepEqual(bobMe.permissions, [], 'nothing until a second factor is enrolled');

      const bob = (await d.store.users.findByUsername(d.defaultTenant.id, 'bob'))!;
      const seed = await enrolTotp(p, bob);
      const second = await ldapLogin('bob', 'Bob-pw-1', 'console');
      const pending = second.json<{ status: string; loginToken: string; methods: string[] }>();
      assert.equal(pending.status, 'mfa', second.text);
      assert.ok(pending.methods.includes('totp'));
      await assertConsoleSession(sessionCookieOf(await totpStep(pending.loginToken, seed)));
      const sso = await audit('sso.login', bob.id);
      assert.ok(
        sso.some(
          (e) =>
            e.outcome === 'success' &&
            e.detail['method'] === 'ldap' &&
            e.detail['area'] === 'console',
        ),
      );
    },
  );
});
