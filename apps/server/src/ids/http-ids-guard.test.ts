import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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
import type { Ids } from './build-ids.ts';
import { HttpIdsGuard } from './http-ids-guard.ts';

function setup() {
  const clock = new FakeClock();
  const bans = new BanService(new MemoryBanRepository(), clock, nullLogger);
  const metrics = new IdsMetrics();
  const detector = new IntrusionDetector({
    bans,
    clock,
    logger: nullLogger,
    metrics,
    trusted: new TrustedNetworks(),
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
  const guard = new HttpIdsGuard(ids, {
    maxConnections: 5,
    maxConnectionsPerSource: 2,
    maxInFlight: 2,
  });
  return { guard, bans };
}

function socket(address: string): Socket & EventEmitter {
  return Object.assign(new EventEmitter(), { remoteAddress: address }) as unknown as Socket &
    EventEmitter;
}

const request = (address: string) => ({ socket: { remoteAddress: address } }) as IncomingMessage;

test('connections are capped per source and in total; a closed one frees its place', () => {
  const { guard } = setup();
  const a1 = socket('127.0.0.2');
  assert.equal(guard.admitConnection(a1), true);
  assert.equal(guard.admitConnection(socket('::ffff:127.0.0.2')), true);
  assert.equal(guard.admitConnection(socket('127.0.0.2')), false, 'per source');
  assert.equal(guard.admitConnection(socket('127.0.0.3')), true);
  assert.equal(guard.admitConnection(socket('127.0.0.4')), true);
  assert.equal(guard.admitConnection(socket('127.0.0.5')), true);
  assert.equal(guard.admitConnection(socket('127.0.0.6')), false, 'in total');
  a1.emit('close');
  assert.equal(guard.admitConnection(socket('127.0.0.6')), true);
});

test('beyond maxInFlight requests the API answers 503; banned sources are dropped', async () => {
  const { guard, bans } = setup();
  assert.equal(guard.admitRequest(request('127.0.0.3')), 'pass');
  assert.equal(guard.admitRequest(request('127.0.0.3')), 'pass');
  assert.equal(guard.admitRequest(request('127.0.0.3')), 'busy');
  guard.requestDone();
  guard.requestDone();
  guard.requestDone();
  assert.equal(guard.admitRequest(request('127.0.0.3')), 'pass');
  await bans.banManually({ address: '127.0.0.2', reason: '', durationMs: 60_000, by: 'cli' });
  assert.equal(guard.admitConnection(socket('127.0.0.2')), false);
  assert.equal(guard.admitRequest(request('127.0.0.2')), 'drop');
});

test('five slow clients in a minute ban the source', async () => {
  const { guard, bans } = setup();
  for (let i = 0; i < 5; i++) guard.slowClient('127.0.0.2');
  await new Promise((r) => setImmediate(r));
  assert.equal(bans.list.isBanned('127.0.0.2'), true);
});
