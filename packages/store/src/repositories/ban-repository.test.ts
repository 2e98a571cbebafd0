import assert from 'node:assert/strict';
import { contract } from '../testing/contract-harness.ts';

const MIN = 60_000;

contract('bans', (it) => {
  it('a ban is active until it expires or is lifted', async ({ store, clock }) => {
    const now = clock.now();
    const ban = await store.bans.put({
      address: '127.0.0.2',
      rule: 'sip-auth-user',
      origin: 'detector',
      offence: 1,
      reason: 'too many failures',
      createdBy: 'system',
      createdAt: now,
      expiresAt: now + 10 * MIN,
    });
    assert.equal(ban.liftedAt, null);
    assert.deepEqual(await store.bans.find('127.0.0.2'), ban);
    assert.deepEqual(await store.bans.listActive(now), [ban]);
    assert.deepEqual(await store.bans.listActive(now + 10 * MIN), []);
    assert.equal(await store.bans.lift('127.0.0.2', now + 10 * MIN), false, 'expired');
    assert.equal(await store.bans.lift('127.0.0.2', now + 1), true);
    assert.equal(await store.bans.lift('127.0.0.2', now + 2), false, 'already lifted');
    assert.deepEqual(await store.bans.listActive(now + 2), []);
    assert.equal((await store.bans.find('127.0.0.2'))?.liftedAt, now + 1);
  });

  it('a new ban replaces the row and keeps the offence given; permanent bans list', async ({
    store,
    clock,
  }) => {
    const now = clock.now();
    const base = {
      rule: 'manual',
      origin: 'manual' as const,
      reason: '',
      createdBy: 'user:1',
      createdAt: now,
    };
    await store.bans.put({ ...base, address: '2001:db8::1', offence: 1, expiresAt: now + MIN });
    await store.bans.lift('2001:db8::1', now + 1);
    await store.bans.put({ ...base, address: '2001:db8::1', offence: 2, expiresAt: null });
    const found = await store.bans.find('2001:db8::1');
    assert.equal(found?.offence, 2);
    assert.equal(found?.liftedAt, null);
    assert.deepEqual(
      (await store.bans.listActive(now + 365 * 24 * 60 * MIN)).map((b) => b.address),
      ['2001:db8::1'],
    );
    assert.equal(await store.bans.find('192.0.2.9'), null);
  });

  it('purges rows that ended before a time, and only those', async ({ store, clock }) => {
    const now = clock.now();
    const base = {
      rule: 'sip-flood',
      origin: 'detector' as const,
      offence: 1,
      reason: '',
      createdBy: 'system',
      createdAt: now,
    };
    await store.bans.put({ ...base, address: '192.0.2.1', expiresAt: now + MIN });
    await store.bans.put({ ...base, address: '192.0.2.2', expiresAt: now + 100 * MIN });
    await store.bans.put({ ...base, address: '192.0.2.3', expiresAt: null });
    assert.equal(await store.bans.purgeEndedBefore(now + 2 * MIN), 1);
    assert.equal(await store.bans.find('192.0.2.1'), null);
    assert.notEqual(await store.bans.find('192.0.2.2'), null);
    assert.notEqual(await store.bans.find('192.0.2.3'), null);
  });

  it('lists offenders: highest offence first, then the latest; ended bans too', async ({
    store,
    clock,
  }) => {
    const now = clock.now();
    const base = {
      rule: 'login-failure',
      origin: 'detector' as const,
      reason: '',
      createdBy: 'system',
      expiresAt: now + 100 * MIN,
    };
    await store.bans.put({ ...base, address: '192.0.2.1', offence: 1, createdAt: now });
    await store.bans.put({ ...base, address: '192.0.2.2', offence: 3, createdAt: now - MIN });
    await store.bans.put({ ...base, address: '192.0.2.3', offence: 1, createdAt: now + 1 });
    await store.bans.lift('192.0.2.2', now);
    const all = await store.bans.listOffenders(10);
    assert.deepEqual(
      all.map((b) => [b.address, b.offence, b.liftedAt]),
      [
        ['192.0.2.2', 3, now],
        ['192.0.2.3', 1, null],
        ['192.0.2.1', 1, null],
      ],
    );
    assert.deepEqual(
      (await store.bans.listOffenders(1)).map((b) => b.address),
      ['192.0.2.2'],
    );
  });

  it('refuses an over-long address', async ({ store, clock }) => {
    await assert.rejects(
      store.bans.put({
        address: 'x'.repeat(46),
        rule: 'manual',
        origin: 'manual',
        offence: 1,
        reason: '',
        createdBy: 'cli',
        createdAt: clock.now(),
        expiresAt: null,
      }),
    );
  });

  it('a second node sees the ban', async ({ store, clock, openAnother }) => {
    const now = clock.now();
    const other = await openAnother();
    await store.bans.put({
      address: '127.0.0.2',
      rule: 'scanner',
      origin: 'detector',
      offence: 1,
      reason: 'friendly-scanner',
      createdBy: 'system',
      createdAt: now,
      expiresAt: now + MIN,
    });
    assert.deepEqual(
      (await other.bans.listActive(now)).map((b) => b.address),
      ['127.0.0.2'],
    );
  });
});
