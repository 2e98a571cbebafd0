import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@palisade/common';
import type {
  RegistrationBinding,
  RegistrationRepository,
} from '../ports/registration-repository.ts';
import { LocationService } from './location-service.ts';

function binding(deviceId: string, n: number, now: number): RegistrationBinding {
  return {
    id: `${deviceId}-${n}`,
    tenantId: 't',
    userId: `u-${deviceId}`,
    deviceId,
    aor: `sip:${deviceId}@pbx.test`,
    contactUri: `sip:${deviceId}@192.0.2.1:${5000 + n}`,
    contactHeader: `<sip:${deviceId}@192.0.2.1:${5000 + n}>`,
    instanceId: null,
    regId: null,
    q: null,
    callId: 'c',
    cseq: n,
    path: [],
    transport: 'UDP',
    sourceAddress: '192.0.2.1',
    sourcePort: 5000 + n,
    userAgent: '',
    expiresAt: now + 60_000,
    registeredAt: now,
    updatedAt: now,
  };
}

/** A repository whose writes take a moment, like a commit with fsync. */
class SlowRepository implements RegistrationRepository {
  readonly rows = new Map<string, RegistrationBinding>();
  readonly batches: number[] = [];
  async apply(changes: {
    upsert: readonly RegistrationBinding[];
    remove: readonly string[];
  }): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (changes.upsert.some((b) => b.transport === 'BROKEN')) throw new Error('constraint');
    this.batches.push(changes.upsert.length + changes.remove.length);
    for (const id of changes.remove) this.rows.delete(id);
    for (const b of changes.upsert) this.rows.set(b.id, b);
  }
  listUnexpired = (now: number) =>
    Promise.resolve([...this.rows.values()].filter((b) => b.expiresAt > now));
  list = () => Promise.resolve([...this.rows.values()]);
  purgeExpired = () => Promise.resolve(0);
}

describe('LocationService', () => {
  it('commits concurrent changes of different devices together, each resolving once durable', async () => {
    const clock = new FakeClock(1_000_000);
    const repo = new SlowRepository();
    const location = new LocationService({ repository: repo, clock });
    const devices = Array.from({ length: 20 }, (_, i) => `d${i}`);
    await Promise.all(
      devices.map((d) =>
        location.change(d, async () => {
          const b = binding(d, 1, clock.now());
          return { next: [b], upsert: [b], remove: [], result: undefined };
        }),
      ),
    );
    assert.equal(repo.rows.size, 20);
    assert.equal(location.size, 20);
    assert.ok(repo.batches.length < 20, `one write per change: ${repo.batches.join(',')}`);
    assert.equal(
      repo.batches.reduce((a, b) => a + b, 0),
      20,
    );
    location.close();
  });

  it('fails only the change that the store refuses when it shares a batch', async () => {
    const clock = new FakeClock(1_000_000);
    const repo = new SlowRepository();
    const location = new LocationService({ repository: repo, clock });
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((d) =>
        location.change(d, async () => {
          const b = { ...binding(d, 1, clock.now()), transport: d === 'c' ? 'BROKEN' : 'UDP' };
          return { next: [b], upsert: [b], remove: [], result: d };
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual([...repo.rows.keys()].sort(), ['a-1', 'b-1', 'd-1']);
    assert.deepEqual(location.bindingsOf('c'), []);
    location.close();
  });

  it('serialises changes of one device: the second sees the first', async () => {
    const clock = new FakeClock(1_000_000);
    const repo = new SlowRepository();
    const location = new LocationService({ repository: repo, clock });
    const seen: number[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        location.change('x', async (current) => {
          seen.push(current.length);
          const b = binding('x', n, clock.now());
          return { next: [...current, b], upsert: [b], remove: [], result: undefined };
        }),
      ),
    );
    assert.deepEqual(seen, [0, 1, 2]);
    location.close();
  });

  it('removes the WS bindings of a closed connection at once, and only those', async () => {
    const clock = new FakeClock(1_000_000);
    const repo = new SlowRepository();
    const location = new LocationService({ repository: repo, clock });
    const ws = (d: string, n: number, connectionId: string): RegistrationBinding => ({
      ...binding(d, n, clock.now()),
      transport: 'WSS',
      connectionId,
    });
    const put = (d: string, list: RegistrationBinding[]) =>
      location.change(d, async () => ({ next: list, upsert: list, remove: [], result: undefined }));
    await put('tab', [ws('tab', 1, 'wss:one'), ws('tab', 2, 'wss:two')]);
    await put('other', [ws('other', 1, 'wss:one')]);
    await put('desk', [binding('desk', 1, clock.now())]);
    assert.equal(repo.rows.size, 4);

    const removed = await location.dropConnection('wss:one');
    assert.deepEqual(removed.map((b) => b.id).sort(), ['other-1', 'tab-1']);
    assert.deepEqual(
      location.bindingsOf('tab').map((b) => b.id),
      ['tab-2'],
    );
    assert.deepEqual(location.bindingsOf('other'), []);
    assert.deepEqual(location.lookup('sip:other@pbx.test'), []);
    assert.deepEqual([...repo.rows.keys()].sort(), ['desk-1', 'tab-2']);
    assert.ok(location.connectionClosed('wss:one'));
    assert.ok(!location.connectionClosed('wss:two'));
    // remembered for a minute, then forgotten by the sweep
    clock.advance(61_000);
    await location.sweep();
    assert.ok(!location.connectionClosed('wss:one'));
    location.close();
  });

  it('drops a binding whose first REGISTER was being committed as its connection closed', async () => {
    const clock = new FakeClock(1_000_000);
    const repo = new SlowRepository();
    const location = new LocationService({ repository: repo, clock });
    const b: RegistrationBinding = {
      ...binding('tab', 1, clock.now()),
      transport: 'WS',
      connectionId: 'ws:x',
    };
    const registering = location.change('tab', async () => {
      await new Promise((r) => setImmediate(r));
      return { next: [b], upsert: [b], remove: [], result: undefined };
    });
    const dropping = location.dropConnection('ws:x');
    await Promise.all([registering, dropping]);
    assert.deepEqual(location.bindingsOf('tab'), []);
    assert.equal(repo.rows.size, 0);
    location.close();
  });

  it('purges stored WS and WSS bindings at start: their connections did not survive', async () => {
    const clock = new FakeClock(1_000_000);
    const repo = new SlowRepository();
    for (const b of [
      { ...binding('tab', 1, clock.now()), transport: 'WSS' },
      { ...binding('tab', 2, clock.now()), transport: 'WS' },
      binding('desk', 1, clock.now()),
    ])
      repo.rows.set(b.id, b);
    const location = new LocationService({ repository: repo, clock });
    assert.equal(await location.start(), 1);
    assert.deepEqual(location.bindingsOf('tab'), []);
    assert.deepEqual([...repo.rows.keys()], ['desk-1']);
    location.close();
  });

  it('tells presence when a user’s first device registers and when their last binding goes', async () => {
    const clock = new FakeClock(1_000_000);
    const location = new LocationService({ repository: new SlowRepository(), clock });
    const changes: string[] = [];
    location.onUserChange((c) => changes.push(`${c.userId}:${c.registered}`));
    const put = (deviceId: string, userId: string, n: number) =>
      location.change(deviceId, async () => {
        const b = { ...binding(deviceId, n, clock.now()), userId };
        return { next: [b], upsert: [b], remove: [], result: undefined };
      });
    await put('d1', 'ann', 1);
    await put('d2', 'ann', 1);
    await put('d1', 'ann', 2); // a refresh changes nothing a watcher sees
    assert.deepEqual(changes, ['ann:true']);
    assert.equal(location.isUserRegistered('ann'), true);
    assert.equal(location.isUserRegistered('bob'), false);
    await location.change('d1', async (current) => ({
      next: [],
      upsert: [],
      remove: current.map((b) => b.id),
      result: undefined,
    }));
    assert.deepEqual(changes, ['ann:true'], 'ann still has d2');
    clock.advance(61_000);
    assert.equal(location.isUserRegistered('ann'), false, 'an expired binding does not count');
    await location.sweep();
    assert.deepEqual(changes, ['ann:true', 'ann:false']);
    location.close();
  });
});
