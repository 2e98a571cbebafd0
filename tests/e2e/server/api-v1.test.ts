/**
 * The admin REST API v1 against a real server: every route refuses callers
 * without a token (401) and tokens without its permission (403); bad input
 * gets 400 and changes nothing; the happy paths work end to end.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiRoutes, type RouteSpec } from '@palisade/api';
import { ALL_PERMISSIONS } from '@palisade/security';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';

let p: TestPalisade;
let admin: string;
let routes: RouteSpec[];

async function token(scopes: readonly string[]): Promise<string> {
  const issued = await p.server.domain.tokens.issue({
    tenantId: p.server.domain.defaultTenant.id,
    name: 'test',
    scopes,
    by: { id: 'cli' },
    granterPermissions: null,
  });
  return issued.token;
}

const auth = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

before(async () => {
  p = await startTestPalisade();
  admin = await token(ALL_PERMISSIONS.filter((x) => x.endsWith(':change')));
  const d = p.server.domain;
  routes = apiRoutes({ ...d, auditLog: d.store.auditLog, defaultTenantId: d.defaultTenant.id });
});
after(async () => {
  await p.stop();
});

function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
}

test('every non-public route answers 401 without a token and with a malformed or unknown one', async () => {
  const guarded = routes.filter((r) => r.permission !== 'public');
  assert.ok(guarded.length > 20);
  for (const r of guarded) {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer pal_AAAAAAAAAAAA_${'A'.repeat(43)}` },
    ];
    for (const headers of attempts) {
      const res = await p.client.call(r.method, concrete(r.url), {
        headers,
        ...(r.body ? { body: {} } : {}),
      });
      assert.equal(res.status, 401, `${r.method} ${r.url} → ${res.status}`);
      assert.equal(res.json<{ error: string }>().error, 'unauthenticated');
    }
  }
});

test('every non-public route answers 403 to a token without its permission (and self routes to any token)', async () => {
  for (const r of routes.filter((x) => x.permission !== 'public')) {
    const other = ALL_PERMISSIONS.find((x) => !x.startsWith(r.permission.split(':')[0] ?? ''))!;
    const res = await p.client.call(r.method, concrete(r.url), {
      headers: auth(await token([other])),
      ...(r.body ? { body: {} } : {}),
    });
    assert.equal(res.status, 403, `${r.method} ${r.url} → ${res.status}`);
    // `self` routes are for signed-in users only: any API token is refused.
    assert.match(
      res.json<{ message: string }>().message,
      r.permission === 'self' ? /signed-in user/ : new RegExp(r.permission),
    );
  }
});

test('a revoked token stops working at once', async () => {
  const t = await token(['users:view']);
  assert.equal((await p.client.call('GET', '/api/v1/users', { headers: auth(t) })).status, 200);
  const list = await p.client.call('GET', '/api/v1/tokens', { headers: auth(admin) });
  const id = list
    .json<{ id: string; scopes: string[] }[]>()
    .find((x) => x.scopes.join() === 'users:view')!.id;
  assert.equal(
    (await p.client.call('DELETE', `/api/v1/tokens/${id}`, { headers: auth(admin) })).status,
    200,
  );
  assert.equal((await p.client.call('GET', '/api/v1/users', { headers: auth(t) })).status, 401);
  const trail = await p.server.domain.store.auditLog.query({ actionPrefix: 'token' });
  const revoked = trail.entries.find(
    (e) => e.action === 'token.revoke' && e.target === `token:${id}`,
  );
  assert.equal(revoked?.remoteAddress, '127.0.0.1');
  assert.ok(trail.entries.some((e) => e.action === 'token.create'));
});

test('bad input gets 400 with a clear message and changes nothing', async () => {
  const before = (await p.client.call('GET', '/api/v1/users', { headers: auth(admin) })).json<
    unknown[]
  >().length;
  const cases: [unknown, RegExp][] = [
    [{ username: 'ann', extension: 'x1', displayName: 'Ann' }, /extension must be 2–15 digits/],
    [{ username: 'Ann Smith', extension: '201', displayName: 'Ann' }, /username must be/],
    [
      { username: 'ann', extension: '201', displayName: 'Ann', role: 'root' },
      /additional properties/i,
    ],
    [{ username: 'ann', extension: '201' }, /displayName/],
    [{ username: 'ann', extension: '201', displayName: 'A\u0007nn' }, /displayName must be/],
    [
      { username: 'ann', extension: '201', displayName: 'Ann', email: 'not-an-email' },
      /email must be/,
    ],
  ];
  for (const [body, message] of cases) {
    const res = await p.client.call('POST', '/api/v1/users', { headers: auth(admin), body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.json<{ message: string }>().message, message);
  }
  const raw = await p.client.call('POST', '/api/v1/users', {
    headers: { ...auth(admin), 'content-type': 'application/json' },
    raw: '{"username":',
  });
  assert.equal(raw.status, 400);
  const huge = await p.client.call('POST', '/api/v1/users', {
    headers: auth(admin),
    body: { username: 'x', extension: '1'.repeat(5000), displayName: 'X' },
  });
  assert.equal(huge.status, 400);
  const after = (await p.client.call('GET', '/api/v1/users', { headers: auth(admin) })).json<
    unknown[]
  >().length;
  assert.equal(after, before);
});

test('users, devices and groups: create, read, change, delete, with the SIP secret shown once', async () => {
  const h = auth(admin);
  const created = await p.client.call('POST', '/api/v1/users', {
    headers: h,
    body: {
      username: 'Bob',
      extension: '202',
      displayName: 'Bob Builder',
      email: 'bob@example.com',
    },
  });
  assert.equal(created.status, 201, created.text);
  const bob = created.json<{ id: string; username: string; passwordHash?: unknown }>();
  assert.equal(bob.username, 'bob');
  assert.equal('passwordHash' in bob, false);

  const dup = await p.client.call('POST', '/api/v1/users', {
    headers: h,
    body: { username: 'bob2', extension: '202', displayName: 'Other' },
  });
  assert.equal(dup.status, 409);
  assert.match(dup.json<{ message: string }>().message, /extension/);

  const dev = await p.client.call('POST', `/api/v1/users/${bob.id}/devices`, {
    headers: h,
    body: { label: 'desk phone' },
  });
  assert.equal(dev.status, 201, dev.text);
  const creds = dev.json<{
    device: { id: string; ha1Md5?: string };
    sipUsername: string;
    secret: string;
    domain: string;
  }>();
  assert.equal(creds.sipUsername, '202');
  assert.equal(creds.domain, 'pbx.test');
  assert.match(creds.secret, /^[A-Za-z0-9]{24}$/);
  assert.equal(creds.device.ha1Md5, undefined);
  const stored = await p.server.domain.store.devices.findById(creds.device.id);
  const { computeHa1 } = await import('@palisade/security');
  assert.equal(stored?.ha1Md5, computeHa1('MD5', '202', 'pbx.test', creds.secret));
  assert.equal(stored?.ha1Sha256, computeHa1('SHA-256', '202', 'pbx.test', creds.secret));
  const shown = await p.client.call('GET', `/api/v1/devices/${creds.device.id}`, { headers: h });
  assert.equal(shown.status, 200);
  assert.doesNotMatch(shown.text, new RegExp(creds.secret));

  const rotated = await p.client.call('POST', `/api/v1/devices/${creds.device.id}/rotate-secret`, {
    headers: h,
  });
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.json<{ secret: string }>().secret, creds.secret);

  const group = await p.client.call('POST', '/api/v1/groups', {
    headers: h,
    body: { name: 'Sales', permissions: ['call:internal', 'chat'] },
  });
  assert.equal(group.status, 201, group.text);
  const g = group.json<{ id: string }>();
  const badGroup = await p.client.call('POST', '/api/v1/groups', {
    headers: h,
    body: { name: 'Bad', permissions: ['users:change'] },
  });
  assert.equal(badGroup.status, 400);
  assert.equal(
    (await p.client.call('PUT', `/api/v1/groups/${g.id}/members/${bob.id}`, { headers: h })).json<{
      changed: boolean;
    }>().changed,
    true,
  );
  assert.deepEqual(
    (await p.client.call('GET', `/api/v1/groups/${g.id}/members`, { headers: h })).json(),
    [bob.id],
  );

  const patched = await p.client.call('PATCH', `/api/v1/users/${bob.id}`, {
    headers: h,
    body: { state: 'disabled' },
  });
  assert.equal(patched.json<{ state: string }>().state, 'disabled');
  assert.equal(
    (await p.client.call('DELETE', `/api/v1/users/${bob.id}`, { headers: h })).status,
    200,
  );
  assert.equal(
    (await p.client.call('GET', `/api/v1/devices/${creds.device.id}`, { headers: h })).status,
    404,
  );

  const audit = await p.client.call('GET', '/api/v1/audit?action=device', { headers: h });
  const actions = audit
    .json<{ entries: { action: string; remoteAddress: string | null }[] }>()
    .entries.map((e) => e.action);
  assert.ok(
    actions.includes('device.create') && actions.includes('device.rotate-secret'),
    actions.join(),
  );
  assert.ok(!audit.text.includes(creds.secret));
});

test('null clears an optional field rather than becoming an empty string', async () => {
  const h = auth(admin);
  const created = await p.client.call('POST', '/api/v1/users', {
    headers: h,
    body: {
      username: 'nora',
      extension: '207',
      displayName: 'Nora',
      email: 'nora@example.com',
      mobile: null,
    },
  });
  assert.equal(created.status, 201, created.text);
  const nora = created.json<{ id: string; mobile: string | null }>();
  assert.equal(nora.mobile, null);
  const cleared = await p.client.call('PATCH', `/api/v1/users/${nora.id}`, {
    headers: h,
    body: { email: null },
  });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json<{ email: string | null }>().email, null);
});

test('a token may not grant scopes its creator does not hold', async () => {
  const limited = await token(['tokens:change', 'users:view']);
  const ok = await p.client.call('POST', '/api/v1/tokens', {
    headers: auth(limited),
    body: { name: 'ro', scopes: ['users:view'] },
  });
  assert.equal(ok.status, 201);
  assert.match(ok.json<{ token: string }>().token, /^pal_/);
  const escalate = await p.client.call('POST', '/api/v1/tokens', {
    headers: auth(limited),
    body: { name: 'rw', scopes: ['users:change'] },
  });
  assert.equal(escalate.status, 403);
});

test('tenants: an installation-wide token creates one with its own domain and default groups', async () => {
  const h = auth(admin);
  const res = await p.client.call('POST', '/api/v1/tenants', {
    headers: h,
    body: { name: 'Acme', sipDomain: 'Acme.Example' },
  });
  assert.equal(res.status, 201, res.text);
  const t = res.json<{ id: string; sipDomain: string }>();
  assert.equal(t.sipDomain, 'acme.example');
  const groups = await p.client.call('GET', `/api/v1/groups?tenantId=${t.id}`, { headers: h });
  assert.deepEqual(
    groups
      .json<{ name: string }[]>()
      .map((g) => g.name)
      .sort(),
    ['Admins', 'Users'],
  );
  const tenantScoped = await token(['users:view']);
  assert.equal(
    (await p.client.call('GET', `/api/v1/users?tenantId=${t.id}`, { headers: auth(tenantScoped) }))
      .status,
    404,
  );
});

test('the OpenAPI document lists every route with its permission', async () => {
  const doc = (await p.client.call('GET', '/api/openapi.json')).json<{
    paths: Record<string, Record<string, { 'x-permission': string }>>;
  }>();
  for (const r of routes) {
    const op = doc.paths[r.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
    assert.equal(op?.['x-permission'], r.permission, `${r.method} ${r.url}`);
  }
});
