/**
 * The identity services as wired by the server, on a real SQLite store with a
 * fake clock: session idle and absolute timeouts, re-authentication window,
 * the account-wide hard cap, spraying reports, code attempts and rate limits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeClock, isPalisadeError, nullLogger, type SecurityEvent } from '@palisade/common';
import { CLI_ACTOR } from '@palisade/pbx';
import { hashPassword, OneTimeCodeService } from '@palisade/security';
import { loadConfig } from '../config/load-config.ts';
import { openDomain, type Domain } from '../domain.ts';

const PASSWORD = 'correct horse battery staple 42';
const MINUTE = 60_000;
let dir: string;
let clock: FakeClock;
let domain: Domain;
let events: SecurityEvent[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-identity-'));
  const { config } = loadConfig({ cwd: dir, env: { PALISADE_SIP_DOMAIN: 'pbx.test' } });
  clock = new FakeClock(Date.UTC(2026, 5, 1));
  events = [];
  domain = await openDomain(config, dir, nullLogger, { emit: (e) => events.push(e) }, clock);
});
afterEach(async () => {
  await domain.close();
  rmSync(dir, { recursive: true, force: true });
});

async function user(name: string): Promise<string> {
  const u = await domain.users.create(CLI_ACTOR, {
    tenantId: domain.defaultTenant.id,
    username: name,
    extension: String(300 + name.length),
    displayName: name,
  });
  await domain.store.users.update(u.id, { passwordHash: await hashPassword(PASSWORD) });
  return u.id;
}

const from = (remoteAddress: string) => ({ remoteAddress, remotePort: 40_000 });

async function login(name: string, address = '10.0.0.1', password = PASSWORD) {
  return domain.identity.login.login({
    username: name,
    tenantDomain: null,
    password,
    kind: 'app',
    ...from(address),
  });
}

test('app sessions: idle 60 min and absolute 24 h; re-authentication is fresh for 5 min', async () => {
  await user('alice');
  const out = await login('alice');
  assert.equal(out.status, 'active');
  const token = out.issued.token;
  const sessions = domain.identity.sessions;
  clock.advance(59 * MINUTE);
  const live = await sessions.authenticate(token);
  assert.ok(live);
  assert.equal(sessions.isFresh(live), false, 'older than the re-authentication window');
  await sessions.markReauthenticated(live);
  assert.equal(sessions.isFresh((await sessions.authenticate(token))!), true);
  // Kept alive by use, but never past 24 hours.
  for (let h = 1; h < 24; h++) {
    clock.advance(50 * MINUTE);
    assert.ok(await sessions.authenticate(token), `alive after ${h} uses`);
  }
  clock.advance(60 * MINUTE);
  assert.equal(await sessions.authenticate(token), null, 'absolute timeout');
  const again = await login('alice');
  if (again.status !== 'active') throw new Error('expected an active session');
  clock.advance(61 * MINUTE);
  assert.equal(await sessions.authenticate(again.issued.token), null, 'idle timeout');
});

test('the account-wide hard cap: 100 consecutive failures from many addresses lock the account until unlocked', async () => {
  await user('target');
  for (let i = 0; i < 100; i++) {
    await assert.rejects(
      login('target', `10.1.${Math.floor(i / 250)}.${i % 250}`, 'nope nope'),
      (e) => isPalisadeError(e, 'unauthenticated'),
    );
  }
  await assert.rejects(login('target', '10.9.9.9'), (e) => isPalisadeError(e, 'rate_limited'));
  clock.advance(7 * 24 * 60 * MINUTE);
  await assert.rejects(login('target', '10.9.9.9'), (e) => isPalisadeError(e, 'rate_limited'));
  const locks = await domain.store.auditLog.query({ actionPrefix: 'auth.lock' });
  assert.equal(locks.entries[0]?.detail['scope'], 'account');
  const account = await domain.identity.directory.findForLogin('target', null);
  await domain.identity.login.unlock(account!);
  assert.equal((await login('target', '10.9.9.9')).status, 'active');
  // One address failing across many accounts is reported as spraying, once.
  const spray = events.filter((e) => e.type === 'auth.spraying');
  assert.equal(spray.length, 0, 'one account from many addresses is not spraying');
  for (let i = 0; i < 12; i++)
    await assert.rejects(login(`nobody${i}`, '10.66.0.1', 'guess guess'));
  const reported = events.filter((e) => e.type === 'auth.spraying');
  assert.equal(reported.length, 1);
  assert.equal(reported[0]?.remoteAddress, '10.66.0.1');
});

test('progressive delay per (account, address) doubles and then allows a try again', async () => {
  await user('slow');
  for (let i = 0; i < 3; i++) await assert.rejects(login('slow', '10.2.0.1', 'x'));
  await assert.rejects(login('slow', '10.2.0.1'), (e) => isPalisadeError(e, 'rate_limited'));
  clock.advance(1_000);
  await assert.rejects(login('slow', '10.2.0.1', 'x'), (e) =>
    isPalisadeError(e, 'unauthenticated'),
  );
  clock.advance(1_000);
  await assert.rejects(login('slow', '10.2.0.1'), (e) => isPalisadeError(e, 'rate_limited'));
  clock.advance(1_000);
  assert.equal((await login('slow', '10.2.0.1')).status, 'active');
});

test('e-mail and SMS codes: wrong guesses end a code; sending is rate-limited per account', async () => {
  const id = await user('coder');
  const codes = new OneTimeCodeService(domain.store.oneTimeCodes, clock);
  const who = { tenantId: domain.defaultTenant.id, userId: id };
  const code = await codes.issueCode('email-code', who, 'attempt-1');
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++)
    assert.equal(await codes.verifyCode('email-code', 'attempt-1', wrong), false);
  assert.equal(
    await codes.verifyCode('email-code', 'attempt-1', code),
    false,
    'ended after 5 wrong guesses',
  );
  const other = await codes.issueCode('email-code', who, 'attempt-2');
  assert.equal(
    await codes.verifyCode('email-code', 'attempt-3', other),
    false,
    'bound to its attempt',
  );
  clock.advance(11 * MINUTE);
  assert.equal(
    await codes.verifyCode('email-code', 'attempt-2', other),
    false,
    'expired after 10 minutes',
  );
  for (let i = 0; i < 3; i++) await codes.issueCode('sms-code', who, `a${i}`);
  await codes.issueCode('email-code', who, 'a9');
  await codes.issueCode('email-code', who, 'a10');
  await codes.issueCode('email-code', who, 'a11');
  await assert.rejects(codes.issueCode('email-code', who, 'a13'), (e) =>
    isPalisadeError(e, 'rate_limited'),
  );
  clock.advance(61 * MINUTE);
  await codes.issueCode('email-code', who, 'a12');
});

test('MFA mandatory per ACL group: members get an enrolment-only session, others do not', async () => {
  const id = await user('member');
  await user('outsider');
  const group = await domain.store.groups.create({
    tenantId: domain.defaultTenant.id,
    name: 'Finance',
    permissions: ['chat'],
  });
  await domain.store.groups.addMember(group.id, id);
  await domain.identity.settings.set(domain.defaultTenant.id, { mfaGroupIds: [group.id] });
  const member = await login('member');
  assert.equal(member.status === 'active' && member.issued.session.mustEnrolMfa, true);
  const outsider = await login('outsider');
  assert.equal(outsider.status === 'active' && outsider.issued.session.mustEnrolMfa, false);
  await domain.identity.settings.set(domain.defaultTenant.id, { mfaGroupIds: [], mfaForAll: true });
  const all = await login('outsider', '10.0.0.2');
  assert.equal(all.status === 'active' && all.issued.session.mustEnrolMfa, true);
});
