/**
 * ACL groups enforced on the server: session principals carry their groups'
 * permissions (console sessions the admin areas too, user-app sessions only
 * user permissions), only the super-admin changes admin groups, the SIP side
 * asks `canCall` for call classes, and the first-run super-admin password
 * follows the standards policy with MFA enforced.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { totpCode, USER_PERMISSIONS } from '@palisade/security';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import {
  clientFrom,
  cookieOf,
  enrolTotp,
  makeUser,
  PASSWORD,
  type LoggedIn,
} from './identity-fixtures.ts';

let p: TestPalisade;
before(async () => {
  p = await startTestPalisade();
});
after(async () => {
  await p.stop();
});

async function withTotp(username: string): Promise<Uint8Array> {
  const d = p.server.domain;
  const user = await d.identity.directory.findForLogin(username, null);
  return enrolTotp(p, user!);
}

let step = 0;
async function loginTotp(
  username: string,
  secret: Uint8Array,
  client: 'console' | 'app',
): Promise<LoggedIn> {
  const c = clientFrom(p, '127.0.0.50');
  const first = await c.call('POST', '/api/v1/auth/login', {
    body: { username, password: PASSWORD, client },
  });
  assert.equal(first.status, 200, first.text);
  // Each login uses a later step: a TOTP code is never accepted twice.
  const second = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: {
      loginToken: first.json<{ loginToken: string }>().loginToken,
      method: 'totp',
      code: totpCode(secret, Date.now() + 30_000 * (step++ % 2 === 0 ? 0 : 1)),
    },
  });
  assert.equal(second.status, 200, second.text);
  return {
    cookie: cookieOf(second),
    csrf: second.json<{ csrfToken: string }>().csrfToken,
    result: second,
  };
}

test('a console session carries the admin groups’ areas; a user-app session of the same person only user permissions', async () => {
  await makeUser(p, 'operator', { admin: true });
  const secret = await withTotp('operator');
  const c = clientFrom(p, '127.0.0.50');
  const consoleSession = await loginTotp('operator', secret, 'console');
  const users = await c.call('GET', '/api/v1/users', {
    headers: { cookie: consoleSession.cookie },
  });
  assert.equal(users.status, 200, users.text);
  const tenants = await c.call('GET', '/api/v1/tenants', {
    headers: { cookie: consoleSession.cookie },
  });
  assert.equal(tenants.status, 403, 'the Admins group has no tenants area');
  const appSession = await loginTotp('operator', secret, 'app');
  assert.equal(
    (await c.call('GET', '/api/v1/users', { headers: { cookie: appSession.cookie } })).status,
    403,
  );
  const me = await c.call('GET', '/api/v1/auth/session', {
    headers: { cookie: appSession.cookie },
  });
  const perms = me.json<{ permissions: string[] }>().permissions;
  assert.ok(perms.length > 0);
  assert.ok(
    perms.every((x) => (USER_PERMISSIONS as readonly string[]).includes(x)),
    perms.join(),
  );
  // Only the super-admin changes admin groups: an admin with groups:change may not.
  const admins = await p.server.domain.store.groups.findByName(
    p.server.domain.defaultTenant.id,
    'Admins',
  );
  const patch = await c.call('PATCH', `/api/v1/groups/${admins!.id}`, {
    body: { description: 'changed' },
    headers: { cookie: consoleSession.cookie, 'x-csrf-token': consoleSession.csrf },
  });
  assert.equal(patch.status, 403, patch.text);
  // An admin ends another user's session.
  await makeUser(p, 'endme');
  const victim = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'endme', password: PASSWORD },
  });
  const victimCookie = cookieOf(victim);
  const list = await c.call('GET', '/api/v1/sessions', {
    headers: { cookie: consoleSession.cookie },
  });
  const target = list
    .json<{ id: string; userId: string }[]>()
    .find((x) => x.id === victim.json<{ session: { id: string } }>().session.id);
  assert.ok(target);
  const ended = await c.call('DELETE', `/api/v1/sessions/${target.id}`, {
    headers: { cookie: consoleSession.cookie, 'x-csrf-token': consoleSession.csrf },
  });
  assert.deepEqual(ended.json(), { ended: 1 });
  assert.equal(
    (await c.call('GET', '/api/v1/auth/session', { headers: { cookie: victimCookie } })).status,
    401,
  );
});

test('canCall answers call classes from ACL groups; a disabled user calls nothing', async () => {
  const d = p.server.domain;
  const u = await makeUser(p, 'caller');
  assert.equal(await d.identity.canCall.canCall(u.id, 'internal'), true);
  assert.equal(await d.identity.canCall.canCall(u.id, 'emergency'), true);
  assert.equal(await d.identity.canCall.canCall(u.id, 'international'), false);
  const world = await d.store.groups.create({
    tenantId: d.defaultTenant.id,
    name: 'World callers',
    permissions: ['call:international'],
  });
  await d.store.groups.addMember(world.id, u.id);
  assert.equal(await d.identity.canCall.canCall(u.id, 'international'), true);
  await d.users.update(CLI_ACTOR, u.id, { state: 'disabled' });
  assert.equal(await d.identity.canCall.canCall(u.id, 'internal'), false);
});

test('the first-run super-admin password follows the standards policy with MFA enforced (12+, blocklist)', async () => {
  const link = p.announced.join('\n').match(/token=([A-Za-z0-9_-]+)/)?.[1];
  assert.ok(link, 'a setup link was announced');
  const base = { token: link, username: 'chief', displayName: 'Chief', extension: '100' };
  const c = clientFrom(p, '127.0.0.51');
  const common = await c.call('POST', '/api/v1/setup', {
    body: { ...base, password: 'password1234' },
  });
  assert.equal(common.status, 400, common.text);
  const ok = await c.call('POST', '/api/v1/setup', { body: { ...base, password: 'Vq7-mZ2p!kLw' } });
  assert.equal(ok.status, 201, ok.text);
});
