/**
 * Presence over the API against a real server (PRODUCT §E2, §F1): a user's
 * own status through a web session (`self`: no API token; state changes
 * need the CSRF token and a same-site request), colleagues' presence with
 * the `presence` permission, of the caller's own tenant only. "dnd" is the
 * user's call-forwarding do-not-disturb; a bad status gets 400 naming the
 * field and changes nothing; changes are audited.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import type { HttpClient } from '../../support/https-client.ts';
import {
  clientFrom,
  login,
  makeUser,
  sessionHeaders,
  type LoggedIn,
} from '../identity/identity-fixtures.ts';

interface Presence {
  readonly userId: string;
  readonly extension: string;
  readonly status: string;
  readonly registered: boolean;
  readonly onCall: boolean;
  readonly ringing: boolean;
}

let p: TestPalisade;
let c: HttpClient;
let origin: string;
let ann: LoggedIn;
let annId: string;
let carl: LoggedIn;
let otherTenantId: string;

async function token(scopes: readonly string[]): Promise<string> {
  const d = p.server.domain;
  return (
    await d.tokens.issue({
      tenantId: d.defaultTenant.id,
      name: scopes.join(' '),
      scopes,
      by: { id: 'cli' },
      granterPermissions: null,
    })
  ).token;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

before(async () => {
  p = await startTestPalisade();
  c = clientFrom(p, '127.0.0.1');
  origin = new URL(p.server.baseUrl).origin;
  const d = p.server.domain;
  annId = (await makeUser(p, 'ann', { extension: '1001' })).id;
  await makeUser(p, 'bob', { extension: '1002' });
  // carl is in no group that grants presence
  const carlUser = await makeUser(p, 'carl', { extension: '1003' });
  const users = await d.store.groups.findByName(d.defaultTenant.id, 'Users');
  await d.store.groups.removeMember(users!.id, carlUser.id);
  const other = await d.tenants.create(CLI_ACTOR, { name: 'other', sipDomain: 'other.test' });
  otherTenantId = other.id;
  await d.users.create(CLI_ACTOR, {
    tenantId: other.id,
    username: 'zed',
    extension: '1001',
    displayName: 'Zed',
  });
  ann = await login(c, 'ann');
  carl = await login(c, 'carl');
});
after(async () => {
  await p.stop();
});

test('401 without credentials, 403 for a token on my own status, for a missing permission, across sites', async () => {
  for (const [method, url] of [
    ['GET', '/api/v1/me/presence'],
    ['PUT', '/api/v1/me/presence'],
    ['GET', '/api/v1/presence'],
  ] as const) {
    const res = await c.call(method, url, method === 'PUT' ? { body: { status: 'away' } } : {});
    assert.equal(res.status, 401, `${method} ${url}: ${res.text}`);
  }
  const strong = await token(['presence', 'users:change']);
  const mine = await c.call('GET', '/api/v1/me/presence', { headers: bearer(strong) });
  assert.equal(mine.status, 403);
  assert.match(mine.json<{ message: string }>().message, /signed-in user/);
  const noScope = await c.call('GET', '/api/v1/presence', {
    headers: bearer(await token(['users:view'])),
  });
  assert.equal(noScope.status, 403);
  assert.match(noScope.json<{ message: string }>().message, /presence/);
  const denied = await c.call('GET', '/api/v1/presence', { headers: sessionHeaders(carl, origin) });
  assert.equal(denied.status, 403, 'carl’s groups do not grant presence');
  // carl may still set his own status
  const own = await c.call('PUT', '/api/v1/me/presence', {
    body: { status: 'busy' },
    headers: sessionHeaders(carl, origin),
  });
  assert.equal(own.status, 200, own.text);
  // a state change without the CSRF token, or from another site, changes nothing
  const noCsrf = await c.call('PUT', '/api/v1/me/presence', {
    body: { status: 'away' },
    headers: { cookie: ann.cookie },
  });
  assert.equal(noCsrf.status, 403);
  const crossSite = await c.call('PUT', '/api/v1/me/presence', {
    body: { status: 'away' },
    headers: {
      ...sessionHeaders(ann),
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    },
  });
  assert.equal(crossSite.status, 403);
  const still = await c.call('GET', '/api/v1/me/presence', {
    headers: sessionHeaders(ann, origin),
  });
  assert.equal(still.json<Presence>().status, 'available');
});

test('my status: set, read back, do-not-disturb is my call forwarding’s, audited', async () => {
  const put = (status: string) =>
    c.call('PUT', '/api/v1/me/presence', {
      body: { status },
      headers: sessionHeaders(ann, origin),
    });
  const away = await put('away');
  assert.equal(away.status, 200, away.text);
  assert.deepEqual(away.json(), {
    userId: annId,
    extension: '1001',
    displayName: 'ann tester',
    status: 'away',
    registered: false,
    onCall: false,
    ringing: false,
  });
  assert.equal((await put('dnd')).json<Presence>().status, 'dnd');
  const forwarding = await c.call('GET', '/api/v1/me/call-forwarding', {
    headers: sessionHeaders(ann, origin),
  });
  assert.equal(forwarding.json<{ doNotDisturb: boolean }>().doNotDisturb, true);
  // turning do-not-disturb off on the call-forwarding page shows the status set before
  const off = await c.call('PUT', '/api/v1/me/call-forwarding', {
    body: { doNotDisturb: false },
    headers: sessionHeaders(ann, origin),
  });
  assert.equal(off.status, 200, off.text);
  const read = await c.call('GET', '/api/v1/me/presence', { headers: sessionHeaders(ann, origin) });
  assert.equal(read.json<Presence>().status, 'away');
  assert.equal((await put('available')).json<Presence>().status, 'available');
  const audit = await p.server.domain.store.auditLog.query({ actionPrefix: 'presence.update' });
  const done = audit.entries.filter((e) => e.outcome === 'success' && e.target === `user:${annId}`);
  assert.deepEqual(done.map((e) => e.detail?.['status']).reverse(), ['away', 'dnd', 'available']);
});

test('a bad status is refused naming the field and changes nothing', async () => {
  for (const body of [{ status: 'sleeping' }, { status: '' }, {}, { status: 'away', note: 'x' }]) {
    const res = await c.call('PUT', '/api/v1/me/presence', {
      body,
      headers: sessionHeaders(ann, origin),
    });
    assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
  }
  const res = await c.call('PUT', '/api/v1/me/presence', {
    body: { status: 'sleeping' },
    headers: sessionHeaders(ann, origin),
  });
  assert.match(
    res.json<{ message: string }>().message,
    /status: must be one of available, away, busy, dnd/,
  );
  const read = await c.call('GET', '/api/v1/me/presence', { headers: sessionHeaders(ann, origin) });
  assert.equal(read.json<Presence>().status, 'available');
});

test('colleagues: the active users of my own tenant with their statuses; another tenant is not found', async () => {
  await c.call('PUT', '/api/v1/me/presence', {
    body: { status: 'busy' },
    headers: sessionHeaders(ann, origin),
  });
  const list = await c.call('GET', '/api/v1/presence', { headers: sessionHeaders(ann, origin) });
  assert.equal(list.status, 200, list.text);
  const byExt = Object.fromEntries(list.json<Presence[]>().map((e) => [e.extension, e.status]));
  assert.deepEqual(byExt, { '1001': 'busy', '1002': 'available', '1003': 'busy' });
  // a token with the permission sees the same tenant, and only it
  const t = await token(['presence']);
  const byToken = await c.call('GET', '/api/v1/presence', { headers: bearer(t) });
  assert.equal(byToken.status, 200);
  assert.equal(byToken.json<Presence[]>().length, 3);
  const other = await c.call('GET', `/api/v1/presence?tenantId=${otherTenantId}`, {
    headers: bearer(t),
  });
  assert.equal(other.status, 404);
});
