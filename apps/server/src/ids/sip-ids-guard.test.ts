import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, nullLogger } from '@palisade/common';
import {
  BanService,
  IdsMetrics,
  IntrusionDetector,
  MemoryBanRepository,
  ScannerUserAgents,
  STANDARD_IDS_POLICY,
  TrustedNetworks,
} from '@palisade/security';
import { parseMessage } from '@palisade/sip';
import type { Destination } from '@palisade/sip';
import type { Ids } from './build-ids.ts';
import { SipIdsGuard } from './sip-ids-guard.ts';

function setup(maxPerSecond: number) {
  const clock = new FakeClock();
  const bans = new BanService(new MemoryBanRepository(), clock, nullLogger);
  const metrics = new IdsMetrics();
  const detector = new IntrusionDetector({
    bans,
    clock,
    logger: nullLogger,
    metrics,
    trusted: new TrustedNetworks(['10.0.0.0/8']),
    policyFor: () => STANDARD_IDS_POLICY,
  });
  const ids: Ids = {
    detector,
    bans,
    metrics,
    scanners: new ScannerUserAgents(),
    nft: null,
    setRegisteredSources: () => undefined,
    close: () => undefined,
  };
  return { clock, ids, guard: new SipIdsGuard(ids, clock, maxPerSecond) };
}

function options(ua: string, n = 1): Buffer {
  return Buffer.from(
    [
      'OPTIONS sip:pbx.test SIP/2.0',
      `Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-${n}`,
      'Max-Forwards: 70',
      `From: <sip:100@pbx.test>;tag=${n}`,
      'To: <sip:pbx.test>',
      `Call-ID: c${n}`,
      'CSeq: 1 OPTIONS',
      `User-Agent: ${ua}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

const from = (host: string): Destination => ({
  transport: 'UDP',
  host,
  port: 5060,
  reliable: false,
});

test('beyond the global rate requests get 503 with Retry-After, not a queue', () => {
  const { guard, clock } = setup(3);
  const verdicts = [1, 2, 3, 4].map((i) =>
    guard.inspect(parseMessage(options('phone', i)), from('10.0.0.5')),
  );
  assert.deepEqual(
    verdicts.slice(0, 3).map((v) => v.kind),
    ['pass', 'pass', 'pass'],
  );
  const last = verdicts[3];
  assert.equal(last?.kind, 'reply');
  if (last?.kind === 'reply') {
    assert.equal(last.response.status, 503);
    assert.deepEqual(last.response.raw('retry-after'), ['5']);
  }
  clock.advance(1000);
  assert.equal(guard.inspect(parseMessage(options('phone', 5)), from('10.0.0.5')).kind, 'pass');
});

test('a scanner is dropped and banned; the ban then refuses it before parsing', async () => {
  const { guard, ids } = setup(1000);
  assert.equal(
    guard.inspect(parseMessage(options('friendly-scanner')), from('127.0.0.2')).kind,
    'drop',
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(guard.admitSource('127.0.0.2', 'UDP'), false);
  assert.equal(guard.admitSource('127.0.0.2', 'TCP'), false);
  assert.equal(guard.admitSource('127.0.0.3', 'UDP'), true);
  assert.equal(ids.metrics.get('palisade_ids_dropped_total', { reason: 'banned' }), 2);
});

test('malformed input counts: the tenth in a minute bans', async () => {
  const { guard, ids } = setup(1000);
  for (let i = 0; i < 10; i++) guard.onRejected(from('192.0.2.1'));
  await new Promise((r) => setImmediate(r));
  assert.equal(ids.detector.isBanned('192.0.2.1'), true);
});
