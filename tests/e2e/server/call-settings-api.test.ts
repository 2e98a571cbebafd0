/**
 * Call settings over the API against a real server (PRODUCT §A6): the
 * tenant's dial plan and ring groups (dialplan:view / dialplan:change) and
 * each user's do-not-disturb and forwarding (their own through a web
 * session, any user's with users:view / users:change). 401 and 403 for the
 * wrong callers; a bad value gets 400 (409 for an extension a user holds)
 * naming the field and changes nothing; every change is audited.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import type { HttpClient } from '../../support/https-client.ts';
import {
  clientFrom,
  login,
  makeUser,
  sessionHeaders,
  type LoggedIn,
} from '../identity/identity-fixtures.ts';

let p: TestPalisade;
let c: HttpClient;
let origin: string;
let admin: string;
let viewer: string;
let userAdmin: string;
let userViewer: string;
let ann: LoggedIn;
let annId: string;

async function token(scopes: readonly string[]): Promise<string> {
  const d = p.server.domain;
  const issued = await d.tokens.issue({
    tenantId: d.defaultTenant.id,
    name: scopes.join(' '),
    scopes,
    by: { id: 'cli' },
    granterPermissions: null,
  });
  return issued.token;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

before(async () => {
  p = await startTestPalisade();
  c = clientFrom(p, '127.0.0.1');
  origin = new URL(p.server.baseUrl).origin;
  admin = await token(['dialplan:change', 'users:change']);
  viewer = await token(['dialplan:view']);
  userAdmin = await token(['users:change']);
  userViewer = await token(['users:view']);
  annId = (await makeUser(p, 'ann', { extension: '1001' })).id;
  await makeUser(p, 'bob', { extension: '1002' });
  ann = await login(c, 'ann');
});
after(async () => {
  await p.stop();
});

const SETTINGS = {
  emergencyNumbers: ['112', '999'],
  nationalPrefixes: ['0'],
  internationalPrefixes: ['00', '+'],
  noAnswerSeconds: 25,
  phoneSrtp: 'always',
  ringGroups: [
    {
      extension: '600',
      name: 'Sales',
      strategy: 'sequential',
      members: ['1001', '1002'],
      ringSeconds: 15,
    },
  ],
};

test('call settings: 401 without credentials, 403 without the permission', async () => {
  for (const [method, url] of [
    ['GET', '/api/v1/call-settings'],
    ['PUT', '/api/v1/call-settings'],
    ['GET', '/api/v1/me/call-forwarding'],
    ['PUT', '/api/v1/me/call-forwarding'],
    ['GET', `/api/v1/users/${annId}/call-forwarding`],
    ['PUT', `/api/v1/users/${annId}/call-forwarding`],
  ] as const) {
    const res = await c.call(method, url, method === 'PUT' ? { body: {} } : {});
    assert.equal(res.status, 401, `${method} ${url}: ${res.text}`);
  }
  const refused = async (method: string, url: string, t: string, body?: unknown) => {
    const res = await c.call(method, url, {
      headers: bearer(t),
      ...(body === undefined ? {} : { body }),
    });
    assert.equal(res.status, 403, `${method} ${url}: ${res.text}`);
    return res.json<{ message: string }>().message;
  };
  assert.match(await refused('GET', '/api/v1/call-settings', userAdmin), /dialplan:view/);
  assert.match(await refused('PUT', '/api/v1/call-settings', viewer, SETTINGS), /dialplan:change/);
  // a user's own settings are for a signed-in user: no API token, however strong
  assert.match(await refused('GET', '/api/v1/me/call-forwarding', admin), /signed-in user/);
  assert.match(
    await refused('PUT', `/api/v1/users/${annId}/call-forwarding`, userViewer, {}),
    /users:change/,
  );
  // a signed-in user without console permissions cannot change the dial plan
  const res = await c.call('PUT', '/api/v1/call-settings', {
    body: SETTINGS,
    headers: sessionHeaders(ann, origin),
  });
  assert.equal(res.status, 403, res.text);
});

test('the dial plan and ring groups: defaults, replaced, read back, audited', async () => {
  const first = await c.call('GET', '/api/v1/call-settings', { headers: bearer(viewer) });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.json(), {
    emergencyNumbers: ['112', '911'],
    nationalPrefixes: ['0'],
    internationalPrefixes: ['00', '+'],
    noAnswerSeconds: 30,
    ringGroups: [],
    phoneSrtp: 'as-caller',
  });
  const put = await c.call('PUT', '/api/v1/call-settings', {
    body: SETTINGS,
    headers: bearer(admin),
  });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json(), SETTINGS);
  const read = await c.call('GET', '/api/v1/call-settings', { headers: bearer(viewer) });
  assert.deepEqual(read.json(), SETTINGS);
  // a ring group given only its extension and members gets the defaults
  const minimal = await c.call('PUT', '/api/v1/call-settings', {
    body: { ...SETTINGS, ringGroups: [{ extension: '601', members: ['1002'] }] },
    headers: bearer(admin),
  });
  assert.equal(minimal.status, 200, minimal.text);
  assert.deepEqual(minimal.json<typeof SETTINGS>().ringGroups, [
    { extension: '601', name: '601', strategy: 'simultaneous', members: ['1002'], ringSeconds: 20 },
  ]);
  const back = await c.call('PUT', '/api/v1/call-settings', {
    body: SETTINGS,
    headers: bearer(admin),
  });
  assert.equal(back.status, 200, back.text);
  const audit = await p.server.domain.store.auditLog.query({
    actionPrefix: 'call-settings.update',
  });
  assert.equal(audit.entries.filter((e) => e.outcome === 'success').length, 3);
  assert.ok(audit.entries.every((e) => e.actor.startsWith('token:')));
});

test('a bad value is refused naming the field and changes nothing', async () => {
  const before = (await c.call('GET', '/api/v1/call-settings', { headers: bearer(viewer) })).text;
  const group = SETTINGS.ringGroups[0]!;
  const cases: [unknown, number, RegExp][] = [
    [{ ...SETTINGS, noAnswerSeconds: 1 }, 400, /noAnswerSeconds: must be 5 to 600 seconds/],
    [{ ...SETTINGS, emergencyNumbers: ['1; drop'] }, 400, /emergencyNumbers\[0\]/],
    [{ ...SETTINGS, phoneSrtp: 'sometimes' }, 400, /phoneSrtp: must be as-caller or always/],
    [{ ...SETTINGS, ringGroups: [{ ...group, strategy: 'random' }] }, 400, /\.strategy/],
    [{ ...SETTINGS, ringGroups: [{ ...group, members: [] }] }, 400, /members: must name/],
    [
      { ...SETTINGS, ringGroups: [{ ...group, members: ['1001', '1099'] }] },
      400,
      /ringGroups\[0\]\.members\[1\]: no user has extension 1099/,
    ],
    [
      { ...SETTINGS, ringGroups: [{ ...group, extension: '1001' }] },
      409,
      /ringGroups\[0\]\.extension: 1001 is the extension of ann/,
    ],
    [
      { ...SETTINGS, ringGroups: [group, { ...group, name: 'Twice' }] },
      400,
      /ringGroups\[1\]\.extension: 600 is also ring group 1/,
    ],
    [
      { ...SETTINGS, ringGroups: [{ ...group, extension: '0600' }] },
      400,
      /ringGroups\[0\]\.extension: 0600 would be dialled as a national number/,
    ],
    [
      { ...SETTINGS, ringGroups: [{ ...group, extension: '999' }] },
      400,
      /ringGroups\[0\]\.extension: 999 would be dialled as an emergency number/,
    ],
    [{ ...SETTINGS, ringGroups: [{ ...group, name: 'a\u0007b' }] }, 400, /\.name/],
    [{ ...SETTINGS, surprise: true }, 400, /surprise|additional/],
  ];
  for (const [body, status, message] of cases) {
    const res = await c.call('PUT', '/api/v1/call-settings', { body, headers: bearer(admin) });
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
    assert.match(res.json<{ message: string }>().message, message);
  }
  const after = (await c.call('GET', '/api/v1/call-settings', { headers: bearer(viewer) })).text;
  assert.equal(after, before, 'nothing changed');
});

test("a user cannot take a ring group's extension", async () => {
  const res = await c.call('POST', '/api/v1/users', {
    body: { username: 'carol', extension: '600', displayName: 'Carol' },
    headers: bearer(admin),
  });
  assert.equal(res.status, 409, res.text);
  assert.match(res.json<{ message: string }>().message, /ring group Sales/);
  assert.equal(
    await p.server.domain.store.users.findByExtension(p.server.domain.defaultTenant.id, '600'),
    null,
  );
});

test('my do-not-disturb and forwarding; an admin sees and sets any user', async () => {
  const headers = sessionHeaders(ann, origin);
  const none = await c.call('GET', '/api/v1/me/call-forwarding', { headers });
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.json(), {
    doNotDisturb: false,
    unconditional: null,
    busy: null,
    noAnswer: null,
  });
  const set = await c.call('PUT', '/api/v1/me/call-forwarding', {
    body: { doNotDisturb: true, noAnswer: '1002' },
    headers,
  });
  assert.equal(set.status, 200, set.text);
  const expected = { doNotDisturb: true, unconditional: null, busy: null, noAnswer: '1002' };
  assert.deepEqual(set.json(), expected);
  // refused, naming the field; nothing changes
  for (const [body, message] of [
    [{ doNotDisturb: false, busy: '1001' }, /busy: 1001 is the user's own extension/],
    [{ doNotDisturb: false, unconditional: 'abc' }, /unconditional: not a valid number/],
    [{ doNotDisturb: 'yes' }, /doNotDisturb/],
  ] as const) {
    const res = await c.call('PUT', '/api/v1/me/call-forwarding', { body, headers });
    assert.equal(res.status, 400, res.text);
    assert.match(res.json<{ message: string }>().message, message);
  }
  // without the CSRF token a session cannot change it
  const noCsrf = await c.call('PUT', '/api/v1/me/call-forwarding', {
    body: { doNotDisturb: false },
    headers: { cookie: ann.cookie, origin },
  });
  assert.equal(noCsrf.status, 403);
  const seen = await c.call('GET', `/api/v1/users/${annId}/call-forwarding`, {
    headers: bearer(userViewer),
  });
  assert.deepEqual(seen.json(), expected);
  const cleared = await c.call('PUT', `/api/v1/users/${annId}/call-forwarding`, {
    body: { doNotDisturb: false },
    headers: bearer(userAdmin),
  });
  assert.equal(cleared.status, 200, cleared.text);
  const mine = await c.call('GET', '/api/v1/me/call-forwarding', { headers });
  assert.equal(mine.json<{ doNotDisturb: boolean }>().doNotDisturb, false);
  assert.equal(mine.json<{ noAnswer: string | null }>().noAnswer, null);
  const unknown = await c.call(
    'GET',
    '/api/v1/users/00000000-0000-4000-8000-000000000000/call-forwarding',
    { headers: bearer(userViewer) },
  );
  assert.equal(unknown.status, 404);
  const audit = await p.server.domain.store.auditLog.query({
    actionPrefix: 'call-forwarding.update',
  });
  const ok = audit.entries.filter((e) => e.outcome === 'success');
  assert.equal(ok.length, 2);
  assert.ok(ok.some((e) => e.actor === `user:${annId}`));
});
