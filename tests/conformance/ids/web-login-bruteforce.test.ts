/**
 * Web login brute force from 127.0.0.2: after 10 failures in 10 minutes the
 * address is banned on every service (the HTTPS listener cuts it before
 * TLS), while the real user on 127.0.0.3 logs in. The ban shows in the
 * intrusion report (live bans, attempts, top offenders), goes to the
 * security event stream as `ids.ban`, and an administrator can lift it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { hashPassword } from '@palisade/security';
import {
  ATTACKER,
  LEGITIMATE,
  newDataDir,
  removeDataDir,
  startIdsPalisade,
  tlsProbe,
  type IdsPalisade,
} from './ids-fixtures.ts';

const PASSWORD = 'correct horse battery staple 42';
let p: IdsPalisade;
let dir: string;

before(async () => {
  dir = newDataDir();
  p = await startIdsPalisade(dir);
  const d = p.server.domain;
  const user = await d.users.create(CLI_ACTOR, {
    tenantId: d.defaultTenant.id,
    username: 'victim',
    extension: '300',
    displayName: 'Victim',
  });
  await d.store.users.update(user.id, { passwordHash: await hashPassword(PASSWORD) });
});
after(async () => {
  await p?.stop();
  removeDataDir(dir);
});

test('a password guesser on 127.0.0.2 is banned; the user on 127.0.0.3 logs in', async () => {
  const attacker = p.clientFrom(ATTACKER);
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await attacker.call('POST', '/api/v1/auth/login', {
      body: { username: 'victim', password: `guess number ${i}`, client: 'app' },
    });
    statuses.push(r.status);
  }
  assert.ok(
    statuses.every((s) => s === 401 || s === 429),
    statuses.join(),
  );
  // the ban is written in the background: wait for it, bounded
  for (let i = 0; i < 50 && !p.server.ids?.bans.list.isBanned(ATTACKER); i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(await tlsProbe(p.server.httpsPort, ATTACKER, p.ca), 'refused');
  await assert.rejects(
    attacker.call('POST', '/api/v1/auth/login', {
      body: { username: 'victim', password: PASSWORD, client: 'app' },
    }),
    'even the right password gets no answer',
  );
  const ok = await p.clientFrom(LEGITIMATE).call('POST', '/api/v1/auth/login', {
    body: { username: 'victim', password: PASSWORD, client: 'app' },
  });
  assert.equal(ok.status, 200, ok.text);

  const ban = p.events.find((e) => e.type === 'ids.ban');
  assert.equal(ban?.remoteAddress, ATTACKER);
  assert.equal(ban?.outcome, 'denied');
  assert.equal(ban?.detail?.['rule'], 'login-failure');
  assert.equal(ban?.detail?.['seconds'], 600);
});

test('the intrusion report lists the ban and the attempts; an administrator lifts it', async () => {
  const admin = p.clientFrom(LEGITIMATE);
  const headers = { authorization: `Bearer ${await p.adminToken()}` };
  const bans = await admin.call('GET', '/api/v1/intrusion/bans', { headers });
  assert.equal(bans.status, 200, bans.text);
  assert.deepEqual(
    bans.json<{ address: string; rule: string }[]>().map((b) => [b.address, b.rule]),
    [[ATTACKER, 'login-failure']],
  );
  const attempts = await admin.call('GET', '/api/v1/intrusion/attempts', { headers });
  const top = attempts.json<{ top: { source: string; users: Record<string, number> }[] }>().top;
  assert.equal(top[0]?.source, ATTACKER);
  assert.ok((top[0]?.users['victim'] ?? 0) >= 10, JSON.stringify(top[0]));
  type Offender = { address: string; rule: string; offence: number; active: boolean };
  const offenders = async () => {
    const r = await admin.call('GET', '/api/v1/intrusion/offenders?limit=5', { headers });
    assert.equal(r.status, 200, r.text);
    return r.json<Offender[]>().map((o) => [o.address, o.rule, o.offence, o.active]);
  };
  assert.deepEqual(await offenders(), [[ATTACKER, 'login-failure', 1, true]]);
  const tooMany = await admin.call('GET', '/api/v1/intrusion/offenders?limit=5000', { headers });
  assert.equal(tooMany.status, 400, tooMany.text);
  const bad = await admin.call('DELETE', '/api/v1/intrusion/bans/not-an-address', { headers });
  assert.equal(bad.status, 400, bad.text);
  const lifted = await admin.call('DELETE', `/api/v1/intrusion/bans/${ATTACKER}`, { headers });
  assert.equal(lifted.status, 200, lifted.text);
  assert.equal(await tlsProbe(p.server.httpsPort, ATTACKER, p.ca), 'open');
  assert.deepEqual(await offenders(), [[ATTACKER, 'login-failure', 1, false]], 'history kept');
  const again = await admin.call('DELETE', `/api/v1/intrusion/bans/${ATTACKER}`, { headers });
  assert.equal(again.status, 404, again.text);
  const audit = await p.server.domain.store.auditLog.query({ actionPrefix: 'ids' });
  assert.deepEqual(
    audit.entries.map((e) => [e.action, e.target]),
    [['ids.unban', `address:${ATTACKER}`]],
  );
});
