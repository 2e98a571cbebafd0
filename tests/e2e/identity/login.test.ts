/**
 * Web login end to end: lockout scope per (account, address), no user
 * enumeration, legacy hash upgrade, session cookie attributes, logout,
 * "log out my other sessions", admin ending a session, disabling a user.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { sha512Crypt } from '@palisade/security';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import {
  clientFrom,
  cookieOf,
  login,
  makeUser,
  PASSWORD,
  sessionHeaders,
} from './identity-fixtures.ts';

let p: TestPalisade;
before(async () => {
  p = await startTestPalisade();
});
after(async () => {
  await p.stop();
});

test('an attacker on 127.0.0.2 is locked out while the real user on 127.0.0.3 logs in (vendor-compat: 3 failures)', async () => {
  await p.server.domain.identity.settings.set(p.server.domain.defaultTenant.id, {
    passwordPreset: 'vendor-compat',
  });
  try {
    await makeUser(p, 'victim');
    const attacker = clientFrom(p, '127.0.0.2');
    const user = clientFrom(p, '127.0.0.3');
    for (let i = 0; i < 3; i++) {
      const r = await attacker.call('POST', '/api/v1/auth/login', {
        body: { username: 'victim', password: `wrong password ${i}` },
      });
      assert.equal(r.status, 401, r.text);
    }
    // Locked for this address: even the right password is refused now, without a check.
    const locked = await attacker.call('POST', '/api/v1/auth/login', {
      body: { username: 'victim', password: PASSWORD },
    });
    assert.equal(locked.status, 429, locked.text);
    assert.ok(Number(locked.headers['retry-after']) > 3000, 'locked for about an hour');
    // The real user, from another address, is not affected.
    const ok = await login(user, 'victim');
    assert.match(ok.cookie, /^__Host-palisade=[A-Za-z0-9_-]{22}$/);
    const lock = await p.server.domain.store.auditLog.query({ actionPrefix: 'auth.lock' });
    assert.equal(lock.entries[0]?.remoteAddress, '127.0.0.2');
    assert.equal(lock.entries[0]?.detail['scope'], 'address');
    const fails = await p.server.domain.store.auditLog.query({ actionPrefix: 'auth.login' });
    const failure = fails.entries.find((e) => e.outcome === 'failure');
    assert.ok(failure && failure.remotePort !== null && failure.remotePort > 0);
    assert.equal(failure.detail['method'], 'password');
    assert.equal(
      JSON.stringify(fails.entries).includes('wrong password'),
      false,
      'no secrets in audit',
    );
    // An admin unlocks the address lock.
    const victim = await p.server.domain.identity.directory.findForLogin('victim', null);
    assert.ok(victim);
    assert.ok((await p.server.domain.identity.login.unlock(victim)) >= 1);
    await login(attacker, 'victim');
  } finally {
    await p.server.domain.identity.settings.set(p.server.domain.defaultTenant.id, {
      passwordPreset: 'standards',
    });
  }
});

test('unknown user and wrong password get the same answer; standards delays after 3 failures', async () => {
  await makeUser(p, 'known');
  const c = clientFrom(p, '127.0.0.4');
  const unknown = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'nobody-here', password: 'whatever it is 123' },
  });
  const wrong = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'known', password: 'whatever it is 123' },
  });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.text, wrong.text);
  // Control characters in the typed name are escaped in the audit trail.
  await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'evil\nname\u001b[31m', password: 'x' },
  });
  const audit = await p.server.domain.store.auditLog.query({ actionPrefix: 'auth.login' });
  assert.equal(audit.entries[0]?.detail['username'], 'evil\\u000aname\\u001b[31m');
  const c2 = clientFrom(p, '127.0.0.5');
  for (let i = 0; i < 3; i++) {
    const r = await c2.call('POST', '/api/v1/auth/login', {
      body: { username: 'known', password: `nope nope ${i}` },
    });
    assert.equal(r.status, 401);
  }
  const delayed = await c2.call('POST', '/api/v1/auth/login', {
    body: { username: 'known', password: PASSWORD },
  });
  assert.equal(delayed.status, 429);
  const nobody = clientFrom(p, '127.0.0.6');
  for (let i = 0; i < 3; i++)
    await nobody.call('POST', '/api/v1/auth/login', {
      body: { username: 'ghost', password: `g ${i}` },
    });
  const ghost = await nobody.call('POST', '/api/v1/auth/login', {
    body: { username: 'ghost', password: 'g' },
  });
  assert.equal(ghost.status, 429, 'unknown names are throttled exactly like known ones');
  assert.equal(
    ghost.json<{ message: string }>().message,
    delayed.json<{ message: string }>().message,
  );
});

test('a legacy $6$ hash logs in once and is replaced by argon2id', async () => {
  const u = await makeUser(p, 'legacy');
  const legacy = await sha512Crypt(PASSWORD, '$6$saltsalt$');
  await p.server.domain.store.users.update(u.id, { passwordHash: legacy });
  await login(clientFrom(p, '127.0.0.7'), 'legacy');
  const after = await p.server.domain.store.users.findById(u.id);
  assert.match(after?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  await login(clientFrom(p, '127.0.0.7'), 'legacy');
});

test('session cookie: __Host-, Secure, HttpOnly, Path=/, SameSite Lax for the app and Strict for the console', async () => {
  await makeUser(p, 'plain');
  await makeUser(p, 'boss', { admin: true });
  const c = clientFrom(p, '127.0.0.8');
  const app = await login(c, 'plain');
  const set = String(app.result.headers['set-cookie']);
  assert.match(
    set,
    /^__Host-palisade=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=86400$/,
  );
  const refused = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'plain', password: PASSWORD, client: 'console' },
  });
  assert.equal(refused.status, 403, 'no console for a user without an admin group');
  // An admin must use a second factor: without one, the console session may only enrol.
  const consoleLogin = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'boss', password: PASSWORD, client: 'console' },
  });
  assert.equal(consoleLogin.status, 200, consoleLogin.text);
  assert.equal(consoleLogin.json<{ mfaEnrolmentRequired: boolean }>().mfaEnrolmentRequired, true);
  assert.match(String(consoleLogin.headers['set-cookie']), /SameSite=Strict; Max-Age=43200$/);
  const adminCookie = cookieOf(consoleLogin);
  const users = await c.call('GET', '/api/v1/users', { headers: { cookie: adminCookie } });
  assert.equal(users.status, 403, 'enrolment first');
  const me = await c.call('GET', '/api/v1/auth/session', { headers: { cookie: adminCookie } });
  assert.equal(me.status, 200);
  assert.equal(me.json<{ mfaEnrolmentRequired: boolean }>().mfaEnrolmentRequired, true);
});

test('logout revokes on the server; log out my other sessions; admin ends a session; disabling ends all', async () => {
  const u = await makeUser(p, 'multi');
  const c = clientFrom(p, '127.0.0.9');
  const a = await login(c, 'multi');
  const b = await login(c, 'multi');
  const d = await login(c, 'multi');
  const me = (s: typeof a) =>
    c.call('GET', '/api/v1/auth/session', { headers: { cookie: s.cookie } });
  assert.equal((await me(a)).status, 200);
  // Rotation at login: each login has its own token.
  assert.notEqual(a.cookie, b.cookie);
  const out = await c.call('POST', '/api/v1/auth/logout', { headers: sessionHeaders(a) });
  assert.equal(out.status, 204);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  assert.equal((await me(a)).status, 401, 'the old cookie is dead on the server');
  const others = await c.call('POST', '/api/v1/auth/sessions/revoke-others', {
    headers: sessionHeaders(b),
  });
  assert.deepEqual(others.json(), { ended: 1 });
  assert.equal((await me(d)).status, 401);
  assert.equal((await me(b)).status, 200);
  // An admin (here the host's CLI identity through the services) ends b.
  const live = await p.server.domain.identity.sessions.list({ userId: u.id });
  assert.equal(live.length, 1);
  await p.server.domain.identity.sessions.revoke(live[0]!.id, 'ended by admin');
  assert.equal((await me(b)).status, 401);
  const e = await login(c, 'multi');
  await p.server.domain.users.update(CLI_ACTOR, u.id, { state: 'disabled' });
  assert.equal((await me(e)).status, 401, 'a disabled user has no session');
  const relogin = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'multi', password: PASSWORD },
  });
  assert.equal(relogin.status, 401);
});

test('vendor-compat: a password older than 180 days must be changed first, and not to itself', async () => {
  const d = p.server.domain;
  const old = 'Old-Password 2025!';
  const user = await makeUser(p, 'ageing', { password: old });
  const DAY = 86_400_000;
  await d.store.users.update(user.id, { passwordChangedAt: Date.now() - 181 * DAY });
  const c = clientFrom(p, '127.0.0.31');
  const me = async (s: { cookie: string }) =>
    (await c.call('GET', '/api/v1/auth/session', { headers: { cookie: s.cookie } })).json<{
      passwordChangeRequired: boolean;
    }>();
  // Under the standards preset (no expiry) the old password is fine.
  const plain = await login(c, 'ageing', old);
  assert.equal((await me(plain)).passwordChangeRequired, false);
  await d.identity.settings.set(d.defaultTenant.id, { passwordPreset: 'vendor-compat' });
  try {
    // The check runs at every request: the session of a moment ago is held too.
    assert.equal((await me(plain)).passwordChangeRequired, true);
    const s = await login(c, 'ageing', old);
    assert.equal((await me(s)).passwordChangeRequired, true);
    const blocked = await c.call('GET', '/api/v1/auth/sessions', { headers: sessionHeaders(s) });
    assert.equal(blocked.status, 403, blocked.text);
    assert.match(blocked.text, /password-expired/);
    const same = await c.call('POST', '/api/v1/auth/password', {
      body: { password: old },
      headers: sessionHeaders(s),
    });
    assert.equal(same.status, 400, same.text);
    assert.match(same.text, /differ from the current one/);
    const before = await d.store.users.findById(user.id);
    const fresh = 'Fresh-Start 2026!';
    const changed = await c.call('POST', '/api/v1/auth/password', {
      body: { password: fresh },
      headers: sessionHeaders(s),
    });
    assert.equal(changed.status, 204, changed.text);
    const after_ = await d.store.users.findById(user.id);
    assert.ok(after_!.passwordChangedAt! > before!.passwordChangedAt!, 'the age starts again');
    assert.equal((await me(s)).passwordChangeRequired, false);
    const open = await c.call('GET', '/api/v1/auth/sessions', { headers: sessionHeaders(s) });
    assert.equal(open.status, 200, open.text);
  } finally {
    await d.identity.settings.set(d.defaultTenant.id, { passwordPreset: 'standards' });
  }
});
