import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, nullLogger } from '@palisade/common';
import { BanService } from './ban-service.ts';
import type { IdsEvent } from './ids-event.ts';
import { IdsMetrics } from './ids-metrics.ts';
import { buildPolicy, STANDARD_IDS_POLICY, VENDOR_IDS_POLICY } from './ids-policy.ts';
import type { IdsPolicyConfig } from './ids-policy.ts';
import { IntrusionDetector } from './intrusion-detector.ts';
import type { IdsAlert } from './intrusion-detector.ts';
import { MemoryBanRepository } from './memory-ban-repository.ts';
import { ScannerUserAgents } from './scanner-user-agents.ts';
import { TrustedNetworks } from './trusted-networks.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

function setup(
  opts: { policy?: IdsPolicyConfig; tenant?: IdsPolicyConfig; trusted?: string[] } = {},
) {
  const clock = new FakeClock();
  const repo = new MemoryBanRepository();
  const bans = new BanService(repo, clock, nullLogger);
  const metrics = new IdsMetrics();
  const registered = new Set<string>();
  const alerts: IdsAlert[] = [];
  const ids = new IntrusionDetector({
    bans,
    clock,
    logger: nullLogger,
    metrics,
    trusted: new TrustedNetworks(opts.trusted ?? []),
    registered,
    policyFor: (t) =>
      t === 'strict' && opts.tenant ? opts.tenant : (opts.policy ?? STANDARD_IDS_POLICY),
    onAlert: (a) => alerts.push(a),
  });
  return { clock, repo, bans, metrics, registered, alerts, ids };
}

const settle = () => new Promise((r) => setImmediate(r));

function authFailure(source: string, user: string, tenantId?: string): IdsEvent {
  return { source, service: 'sip', kind: 'auth-failure', user, ...(tenantId ? { tenantId } : {}) };
}

test('10 failed digest authentications for one user in 10 minutes ban for 10 minutes', async () => {
  const { ids, clock, bans, metrics } = setup();
  for (let i = 0; i < 9; i++) {
    assert.equal(ids.report(authFailure('127.0.0.2', '1001')).drop, false);
    clock.advance(MIN);
  }
  assert.equal(ids.isBanned('127.0.0.2'), false);
  const v = ids.report(authFailure('127.0.0.2', '1001'));
  assert.deepEqual(v.fired, ['sip-auth-user']);
  await settle();
  assert.equal(ids.isBanned('127.0.0.2'), true);
  assert.equal(ids.isBanned('::ffff:127.0.0.2'), true);
  assert.equal(ids.isBanned('127.0.0.3'), false);
  assert.equal(ids.report(authFailure('127.0.0.2', '1001')).drop, true);
  assert.equal(
    metrics.get('palisade_ids_rule_fired_total', { rule: 'sip-auth-user', action: 'ban' }),
    1,
  );
  const [ban] = await bans.active();
  assert.equal(ban?.expiresAt, clock.now() + 10 * MIN);
  clock.advance(10 * MIN);
  assert.equal(ids.isBanned('127.0.0.2'), false, 'expired');
});

test('failures spread over 11 minutes do not ban; per-source counts across users', async () => {
  const { ids, clock } = setup();
  for (let i = 0; i < 20; i++) {
    ids.report(authFailure('127.0.0.2', 'alice'));
    clock.advance(70_000);
  }
  await settle();
  assert.equal(ids.isBanned('127.0.0.2'), false);
  for (let i = 0; i < 30; i++) ids.report(authFailure('192.0.2.5', `u${i}`));
  await settle();
  assert.equal(ids.isBanned('192.0.2.5'), true, 'more than 29 users from one source');
});

test('repeat offenders: 10 minutes, then 1 day, then 1 week', async () => {
  const { ids, clock, bans } = setup();
  const expected = [10 * MIN, DAY, 7 * DAY, 7 * DAY];
  for (const duration of expected) {
    for (let i = 0; i < 10; i++) ids.report(authFailure('127.0.0.2', 'x'));
    await settle();
    const [ban] = await bans.active();
    assert.equal(ban?.expiresAt, clock.now() + duration);
    clock.advance(duration);
    assert.equal(ids.isBanned('127.0.0.2'), false);
  }
});

test('the vendor preset: 3 failures → 1 hour; tenant policies apply to their events', async () => {
  const { ids, bans, clock } = setup({ tenant: VENDOR_IDS_POLICY });
  for (let i = 0; i < 3; i++) ids.report(authFailure('127.0.0.4', 'a', 'strict'));
  for (let i = 0; i < 3; i++) ids.report(authFailure('127.0.0.5', 'a', 'lenient'));
  await settle();
  assert.deepEqual(
    (await bans.active()).map((b) => [b.address, b.expiresAt]),
    [['127.0.0.4', clock.now() + 60 * MIN]],
  );
});

test('flood: more than 16 requests in 2 s bans; trusted and registered sources only alert', async () => {
  const { ids, registered, alerts } = setup({ trusted: ['10.0.0.0/8'] });
  registered.add('127.0.0.3');
  for (const source of ['127.0.0.2', '10.1.1.1', '127.0.0.3'])
    for (let i = 0; i < 17; i++) ids.report({ source, service: 'sip', kind: 'request', user: 'u' });
  await settle();
  assert.equal(ids.isBanned('127.0.0.2'), true);
  assert.equal(ids.isBanned('10.1.1.1'), false);
  assert.equal(ids.isBanned('127.0.0.3'), false);
  assert.deepEqual(
    alerts.map((a) => [a.source, a.rule, a.exempt]),
    [
      ['10.1.1.1', 'sip-flood', 'trusted'],
      ['127.0.0.3', 'sip-flood', 'registered'],
    ],
  );
});

test('exempt sources are counted per user: different users of one office do not add up', async () => {
  const { ids, alerts } = setup({ trusted: ['10.0.0.0/8'] });
  for (let i = 0; i < 16; i++)
    ids.report({ source: '10.0.0.1', service: 'sip', kind: 'request', user: 'a' });
  for (let i = 0; i < 16; i++)
    ids.report({ source: '10.0.0.1', service: 'sip', kind: 'request', user: 'b' });
  assert.equal(alerts.length, 0);
});

test('flood rules do not exempt failed authentication: a trusted source is still banned for it', async () => {
  const { ids } = setup({ trusted: ['127.0.0.0/8'] });
  for (let i = 0; i < 10; i++) ids.report(authFailure('127.0.0.9', 'x'));
  await settle();
  assert.equal(ids.isBanned('127.0.0.9'), true);
});

test('scanners are always dropped and banned at once by default', async () => {
  const { ids, metrics } = setup();
  const v = ids.report({ source: '127.0.0.2', service: 'sip', kind: 'scanner' });
  assert.equal(v.drop, true);
  await settle();
  assert.equal(ids.isBanned('127.0.0.2'), true);
  assert.equal(metrics.get('palisade_ids_dropped_total', { reason: 'scanner' }), 1);
  const ua = new ScannerUserAgents(['evil-dialer']);
  for (const s of [
    'friendly-scanner',
    'sipvicious 0.3',
    'sipcli/v1.8',
    'VaxSIPUserAgent/3.1',
    'pplsip',
    'Evil-Dialer 2',
  ])
    assert.equal(ua.matches(s), true, s);
  for (const s of ['Linphone/5.2', 'baresip', 'sipp', undefined, ''])
    assert.equal(ua.matches(s), false, String(s));
});

test('each detector fires at its default threshold', async () => {
  const cases: [IdsEvent, number][] = [
    [{ source: '', service: 'login', kind: 'login-failure' }, 10],
    [{ source: '', service: 'login', kind: 'mfa-failure' }, 10],
    [{ source: '', service: 'login', kind: 'spraying' }, 1],
    [{ source: '', service: 'sip', kind: 'malformed' }, 10],
    [{ source: '', service: 'sip', kind: 'bad-destination' }, 10],
    [{ source: '', service: 'rtp', kind: 'rtp-wrong-source', weight: 200 }, 1],
    [{ source: '', service: 'ws', kind: 'handshake' }, 31],
    [{ source: '', service: 'http', kind: 'request' }, 301],
    [{ source: '', service: 'http', kind: 'slow-client' }, 5],
    [{ source: '', service: 'ws', kind: 'message-flood' }, 3],
  ];
  let n = 10;
  for (const [event, count] of cases) {
    const { ids } = setup();
    const source = `192.0.2.${n++}`;
    for (let i = 0; i < count - 1; i++) ids.report({ ...event, source });
    await settle();
    assert.equal(ids.isBanned(source), false, `${event.kind} below`);
    ids.report({ ...event, source });
    await settle();
    assert.equal(ids.isBanned(source), true, `${event.kind} at ${count}`);
  }
});

test('alert and ignore actions do not ban', async () => {
  const policy = buildPolicy('standard', {
    rules: { malformed: { action: 'alert', limit: 0 }, scanner: { action: 'ignore' } },
  });
  const { ids, alerts } = setup({ policy });
  ids.report({ source: '127.0.0.2', service: 'sip', kind: 'malformed' });
  assert.equal(ids.report({ source: '127.0.0.2', service: 'sip', kind: 'scanner' }).drop, true);
  await settle();
  assert.equal(ids.isBanned('127.0.0.2'), false);
  assert.deepEqual(
    alerts.map((a) => a.rule),
    ['malformed'],
  );
  assert.throws(() => buildPolicy('standard', { rules: { nope: { limit: 1 } } }));
  assert.throws(() => buildPolicy('standard', { rules: { malformed: { limit: -1 } } }));
  assert.throws(() => buildPolicy('standard', { banDurationsMs: [] }));
});

test('the attempt log keeps sources, services and users, bounded', () => {
  const { ids } = setup();
  ids.report(authFailure('127.0.0.2', 'alice'));
  ids.report(authFailure('127.0.0.2', 'bob'));
  ids.report({ source: '127.0.0.7', service: 'login', kind: 'login-failure', user: 'carol' });
  const [top] = ids.attempts.top(1);
  assert.equal(top?.source, '127.0.0.2');
  assert.deepEqual(top?.users, { alice: 1, bob: 1 });
  assert.deepEqual(ids.attempts.totals().byService, { sip: 2, login: 1 });
});
