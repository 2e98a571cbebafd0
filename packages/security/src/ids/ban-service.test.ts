import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, isPalisadeError, nullLogger } from '@palisade/common';
import { BanService } from './ban-service.ts';
import { MemoryBanRepository } from './memory-ban-repository.ts';
import type { BanRepository } from '../ports/ban-repository.ts';

test('manual ban and unban; bad addresses refused', async () => {
  const clock = new FakeClock();
  const bans = new BanService(new MemoryBanRepository(), clock, nullLogger);
  const seen: string[] = [];
  bans.events.on('banned', (b) => seen.push(`ban ${b.address} ${b.origin}`));
  bans.events.on('unbanned', (u) => seen.push(`unban ${u.address} ${u.by}`));
  await bans.banManually({
    address: '::ffff:198.51.100.7',
    reason: 'abuse',
    durationMs: null,
    by: 'cli',
  });
  assert.equal(bans.list.isBanned('198.51.100.7'), true);
  clock.advance(1000 * 24 * 3600 * 1000);
  assert.equal(bans.list.isBanned('198.51.100.7'), true, 'permanent');
  await bans.unban('198.51.100.7', 'user:1');
  assert.equal(bans.list.isBanned('198.51.100.7'), false);
  await assert.rejects(bans.unban('198.51.100.7', 'cli'), (e) => isPalisadeError(e, 'not_found'));
  await assert.rejects(
    bans.banManually({ address: 'x; rm -rf /', reason: '', durationMs: 1, by: 'cli' }),
    (e) => isPalisadeError(e, 'validation_failed'),
  );
  assert.deepEqual(seen, ['ban 198.51.100.7 manual', 'unban 198.51.100.7 user:1']);
});

test('offenders: repeat offences first, lifted and expired bans marked inactive', async () => {
  const clock = new FakeClock();
  const bans = new BanService(new MemoryBanRepository(), clock, nullLogger);
  const manual = (address: string, durationMs: number | null) =>
    bans.banManually({ address, reason: '', durationMs, by: 'cli' });
  await manual('192.0.2.1', 60_000);
  await manual('192.0.2.2', null);
  await bans.unban('192.0.2.2', 'cli');
  clock.advance(1000);
  await manual('192.0.2.2', null);
  await manual('192.0.2.3', null);
  await bans.unban('192.0.2.3', 'cli');
  clock.advance(60_000);
  assert.deepEqual(
    (await bans.offenders(10)).map((b) => [b.address, b.offence, b.active]),
    [
      ['192.0.2.2', 2, true],
      ['192.0.2.3', 1, false],
      ['192.0.2.1', 1, false],
    ],
  );
  assert.equal((await bans.offenders(1)).length, 1);
});

test('two nodes share bans through the store; the poll brings them in', async () => {
  const clock = new FakeClock();
  const repo = new MemoryBanRepository();
  const a = new BanService(repo, clock, nullLogger);
  const b = new BanService(repo, clock, nullLogger);
  await b.start(1000);
  const synced: string[][] = [];
  b.events.on('synced', (s) => synced.push([...s.added, ...s.removed.map((r) => `-${r}`)]));
  await a.banManually({ address: '127.0.0.2', reason: '', durationMs: 60_000, by: 'cli' });
  assert.equal(b.list.isBanned('127.0.0.2'), false, 'not yet polled');
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  assert.equal(b.list.isBanned('127.0.0.2'), true);
  await a.unban('127.0.0.2', 'cli');
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  assert.equal(b.list.isBanned('127.0.0.2'), false);
  assert.deepEqual(synced, [['127.0.0.2'], ['-127.0.0.2']]);
  b.close();
  assert.equal(clock.pendingTimers, 0);
});

test('a store read that started before a local lift does not bring the ban back', async () => {
  const clock = new FakeClock();
  const repo = new MemoryBanRepository();
  const bans = new BanService(repo, clock, nullLogger);
  await bans.banManually({ address: '127.0.0.2', reason: '', durationMs: 60_000, by: 'cli' });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const stale = await repo.listActive(clock.now());
  const slow: BanRepository = {
    put: (b) => repo.put(b),
    find: (a) => repo.find(a),
    lift: (a, at) => repo.lift(a, at),
    purgeEndedBefore: (t) => repo.purgeEndedBefore(t),
    listOffenders: (n) => repo.listOffenders(n),
    listActive: async () => {
      await gate;
      return stale;
    },
  };
  const racing = new BanService(slow, clock, nullLogger);
  racing.list.add('127.0.0.2', clock.now() + 60_000);
  const read = racing.refresh();
  await racing.unban('127.0.0.2', 'cli');
  release();
  await read;
  assert.equal(racing.list.isBanned('127.0.0.2'), false);
});
