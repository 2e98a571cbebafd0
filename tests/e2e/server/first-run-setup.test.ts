/**
 * First start (PRODUCT §C1): no default account, a single-use setup link,
 * exactly one super-admin afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';

let p: TestPalisade;
before(async () => {
  p = await startTestPalisade();
});
after(async () => {
  await p.stop();
});

function tokenFrom(lines: readonly string[]): string {
  const m = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(lines.join('\n'));
  assert.ok(m?.[1], 'the setup link is announced');
  return m[1];
}

const admin = {
  username: 'root-admin',
  displayName: 'First Admin',
  extension: '100',
  email: 'admin@example.com',
};

test('the first start announces a setup link and the form page opens with it', async () => {
  const token = tokenFrom(p.announced);
  assert.match(p.announced.join('\n'), /https:\/\/[^/]+\/setup\?token=/);
  const page = await p.client.call('GET', `/setup?token=${token}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<form method="post" action="\/setup">/);
  assert.doesNotMatch(page.text, /<script/);
  assert.equal((await p.client.call('GET', '/setup')).status, 400);
});

test('a weak password, a wrong token and a cross-site post are refused and create nothing', async () => {
  const token = tokenFrom(p.announced);
  const weak = await p.client.call('POST', '/api/v1/setup', {
    body: { ...admin, token, password: 'short' },
  });
  assert.equal(weak.status, 400);
  assert.match(weak.json<{ message: string }>().message, /password/);
  const ctx = await p.client.call('POST', '/api/v1/setup', {
    body: { ...admin, token, password: 'root-admin-and-more-words' },
  });
  assert.equal(ctx.status, 400);
  const wrong = await p.client.call('POST', '/api/v1/setup', {
    body: { ...admin, token: 'A'.repeat(43), password: 'correct horse battery staple' },
  });
  assert.equal(wrong.status, 403);
  const form = new URLSearchParams({
    ...admin,
    token,
    password: 'correct horse battery staple',
  }).toString();
  const cross = await p.client.call('POST', '/setup', {
    raw: form,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'cross-site',
    },
  });
  assert.equal(cross.status, 403);
  assert.equal(await p.server.domain.store.users.findSuperAdmin(), null);
});

test('the form creates the super-admin once; the link then stops working', async () => {
  const token = tokenFrom(p.announced);
  const form = new URLSearchParams({
    ...admin,
    token,
    password: 'correct horse battery staple',
  }).toString();
  const res = await p.client.call('POST', '/setup', {
    raw: form,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
  });
  assert.equal(res.status, 201, res.text);
  assert.match(res.text, /First Admin/);
  const sa = await p.server.domain.store.users.findSuperAdmin();
  assert.equal(sa?.username, 'root-admin');
  assert.match(sa?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const groups = await p.server.domain.store.groups.listGroupsOfUser(sa.id);
  assert.deepEqual(groups.map((g) => g.name).sort(), ['Admins', 'Users']);

  const again = await p.client.call('POST', '/api/v1/setup', {
    body: {
      ...admin,
      username: 'second',
      extension: '101',
      token,
      password: 'another long passphrase here',
    },
  });
  assert.equal(again.status, 409);
  await assert.rejects(p.server.domain.setup.createLink('https://x', 'test'), /super-admin exists/);
  const audit = await p.server.domain.store.auditLog.query({ actionPrefix: 'setup' });
  assert.deepEqual(audit.entries.map((e) => `${e.action}:${e.outcome}`).sort(), [
    'setup.complete:denied',
    'setup.complete:success',
    'setup.link-create:success',
  ]);
});
