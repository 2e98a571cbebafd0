/**
 * Walks the whole API route table (apiRoutes) and proves, for every route:
 * - non-public: 401 without credentials, 403 with credentials that lack its permission;
 * - state-changing: refused (403) for `Sec-Fetch-Site: cross-site`, a foreign
 *   Origin, `Origin: null`, and (session-authenticated) a missing CSRF token,
 *   even for a super-admin holding every permission.
 * GET routes carry no body: state changes only through POST, PUT, PATCH, DELETE.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { apiRoutes, isStateChanging, type ApiServices, type RouteSpec } from '@palisade/api';
import { CLI_ACTOR } from '@palisade/pbx';
import { totpCode } from '@palisade/security';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import type { HttpClient } from '../../support/https-client.ts';
import {
  clientFrom,
  cookieOf,
  enrolTotp,
  makeUser,
  PASSWORD,
  type LoggedIn,
} from './identity-fixtures.ts';

let p: TestPalisade;
let routes: RouteSpec[];
let c: HttpClient;
let admin: LoggedIn;
let weakToken: string;
let origin: string;

before(async () => {
  p = await startTestPalisade();
  const d = p.server.domain;
  const services: ApiServices = {
    ...d,
    auditLog: d.store.auditLog,
    defaultTenantId: d.defaultTenant.id,
  };
  routes = apiRoutes(services);
  c = clientFrom(p, '127.0.0.1');
  origin = new URL(p.server.baseUrl).origin;
  const root = await makeUser(p, 'root', { admin: true });
  await d.store.users.promoteSuperAdmin(root.id);
  const seed = await enrolTotp(p, root);
  const first = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'root', password: PASSWORD, client: 'console' },
  });
  assert.equal(first.json<{ status: string }>().status, 'mfa', first.text);
  const second = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: {
      loginToken: first.json<{ loginToken: string }>().loginToken,
      method: 'totp',
      code: totpCode(seed, Date.now()),
    },
  });
  assert.equal(second.status, 200, second.text);
  admin = {
    cookie: cookieOf(second),
    csrf: second.json<{ csrfToken: string }>().csrfToken,
    result: second,
  };
  const issued = await d.tokens.issue({
    tenantId: d.defaultTenant.id,
    name: 'weak',
    scopes: ['files'],
    by: CLI_ACTOR,
    granterPermissions: null,
  });
  weakToken = issued.token;
});
after(async () => {
  await p.stop();
});

const urlOf = (r: RouteSpec): string => r.url.replace(/:[A-Za-z]+/g, () => randomUUID());
const bodyOf = (r: RouteSpec): { body?: unknown } =>
  isStateChanging(r.method) ? { body: {} } : {};
const reason = (text: string): unknown =>
  (JSON.parse(text) as { details?: { reason?: unknown } }).details?.reason;

test('the table is not empty and has public, self and permission routes', () => {
  assert.ok(routes.length > 30);
  assert.ok(routes.some((r) => r.permission === 'public'));
  assert.ok(routes.some((r) => r.permission === 'self'));
  assert.equal(
    routes.some((r) => r.permission === 'files'),
    false,
    'the weak token must hold nothing used',
  );
  for (const r of routes)
    if (r.method === 'GET') assert.equal(r.body, undefined, `${r.url} GET with a body`);
});

test('every non-public route: 401 without credentials, 403 without its permission', async () => {
  let checked = 0;
  for (const r of routes) {
    if (r.permission === 'public') continue;
    const url = urlOf(r);
    const anon = await c.call(r.method, url, { ...bodyOf(r), headers: { origin } });
    assert.equal(anon.status, 401, `${r.method} ${r.url} without credentials: ${anon.text}`);
    const weak = await c.call(r.method, url, {
      ...bodyOf(r),
      headers: { authorization: `Bearer ${weakToken}`, origin },
    });
    assert.equal(weak.status, 403, `${r.method} ${r.url} without ${r.permission}: ${weak.text}`);
    checked++;
  }
  assert.ok(checked > 25);
  const denied = await p.server.domain.store.auditLog.query({
    actionPrefix: 'http.denied',
    limit: 1000,
  });
  assert.ok(denied.entries.length >= checked, 'each refusal of a known caller is audited');
  assert.ok(denied.entries.every((e) => e.outcome === 'denied' && e.remoteAddress === '127.0.0.1'));
});

test('every state-changing route refuses cross-site, foreign and null origins, and a missing CSRF token', async () => {
  let checked = 0;
  for (const r of routes) {
    if (!isStateChanging(r.method)) continue;
    const url = urlOf(r);
    const session = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const attempts: [string, Record<string, string>, string][] = [
      ['Sec-Fetch-Site: cross-site', { ...session, 'sec-fetch-site': 'cross-site' }, 'cross-site'],
      ['foreign Origin', { ...session, origin: 'https://evil.example' }, 'cross-site'],
      ['Origin: null', { ...session, origin: 'null' }, 'cross-site'],
    ];
    if (r.permission !== 'public')
      attempts.push([
        'no CSRF token',
        { cookie: admin.cookie, origin, 'sec-fetch-site': 'same-origin' },
        'csrf',
      ]);
    for (const [what, headers, why] of attempts) {
      const res = await c.call(r.method, url, { ...bodyOf(r), headers });
      assert.equal(res.status, 403, `${r.method} ${r.url} with ${what}: ${res.status} ${res.text}`);
      assert.equal(reason(res.text), why, `${r.method} ${r.url} with ${what}`);
    }
    checked++;
  }
  assert.ok(checked > 20);
  // Control: the same session, same origin, with its token passes the guard.
  const ok = await c.call('POST', '/api/v1/auth/sessions/revoke-others', {
    headers: {
      cookie: admin.cookie,
      'x-csrf-token': admin.csrf,
      origin,
      'sec-fetch-site': 'same-origin',
    },
  });
  assert.equal(ok.status, 200, ok.text);
  const wrongToken = await c.call('POST', '/api/v1/auth/sessions/revoke-others', {
    headers: { cookie: admin.cookie, 'x-csrf-token': 'A'.repeat(22), origin },
  });
  assert.equal(wrongToken.status, 403);
});

test("a tenant's trusted origin may call cross-site; an unlisted one stops working", async () => {
  const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin };
  const set = await c.call('PATCH', '/api/v1/security/identity', {
    body: { trustedOrigins: ['https://crm.example.com'] },
    headers,
  });
  assert.equal(set.status, 200, set.text);
  const issued = await p.server.domain.tokens.issue({
    tenantId: p.server.domain.defaultTenant.id,
    name: 'crm',
    scopes: ['tokens:change'],
    by: CLI_ACTOR,
    granterPermissions: null,
  });
  const call = (o: string) =>
    c.call('DELETE', `/api/v1/tokens/${randomUUID()}`, {
      headers: {
        authorization: `Bearer ${issued.token}`,
        origin: o,
        'sec-fetch-site': 'cross-site',
      },
    });
  assert.equal((await call('https://crm.example.com')).status, 404, 'passes the guard');
  assert.equal((await call('https://other.example.com')).status, 403);
  // Bearer clients without an Origin (servers, scripts) need no CSRF token.
  const plain = await c.call('DELETE', `/api/v1/tokens/${randomUUID()}`, {
    headers: { authorization: `Bearer ${issued.token}` },
  });
  assert.equal(plain.status, 404);
});

test('every security-change route refuses a session that has not re-authenticated recently', async () => {
  const fresh = routes.filter((r) => r.freshAuth === true);
  for (const url of [
    '/api/v1/auth/password',
    '/api/v1/auth/mfa/totp',
    '/api/v1/devices/:id/rotate-secret',
    '/api/v1/users/:id',
  ])
    assert.ok(
      fresh.some((r) => r.url === url),
      `${url} needs re-authentication`,
    );
  const me = await c.call('GET', '/api/v1/auth/session', { headers: { cookie: admin.cookie } });
  await p.server.domain.store.webSessions.update(
    me.json<{ session: { id: string } }>().session.id,
    {
      authenticatedAt: 0,
    },
  );
  for (const r of fresh) {
    const res = await c.call(r.method, urlOf(r), {
      ...bodyOf(r),
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin },
    });
    assert.equal(res.status, 403, `${r.method} ${r.url}: ${res.text}`);
    assert.equal(reason(res.text), 'reauthentication-required', `${r.method} ${r.url}`);
  }
});
