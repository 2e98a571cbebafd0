import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@palisade/common';
import type { CredentialChanges } from '../ports/credential-changes.ts';
import type { Device } from '../ports/device-repository.ts';
import { DirectoryCache } from './directory-cache.ts';

function device(sipUsername: string, ha1Md5: string): Device {
  return {
    id: `dev-${sipUsername}`,
    tenantId: 't1',
    userId: `user-${sipUsername}`,
    sipUsername,
    label: '',
    ha1Md5,
    ha1Sha256: 'b'.repeat(64),
    createdAt: 0,
    secretRotatedAt: 0,
  };
}

/** A store of devices that counts its reads, with the change signals of a real one. */
class FakeStore {
  readonly rows = new Map<string, Device>([['1000', device('1000', 'old')]]);
  readonly #listeners = new Set<() => void>();
  reads = 0;
  generation = 0;
  failing = false;

  /** Reads the row at once and answers a tick later, as a real store would. */
  async findBySipDomainAndUsername(_domain: string, user: string): Promise<Device | null> {
    this.reads++;
    const found = this.rows.get(user) ?? null;
    await Promise.resolve();
    return found;
  }

  changedHere(): void {
    for (const l of this.#listeners) l();
  }

  readonly changes: CredentialChanges = {
    onCredentialsChanged: (l) => {
      this.#listeners.add(l);
      return () => this.#listeners.delete(l);
    },
    credentialsGeneration: () =>
      this.failing ? Promise.reject(new Error('down')) : Promise.resolve(this.generation),
  };
}

const fakeStore = (): FakeStore => new FakeStore();

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('DirectoryCache', () => {
  it('answers a known device from memory and always asks the store about an unknown one', async () => {
    const store = fakeStore();
    const cache = new DirectoryCache({ clock: new FakeClock() });
    await cache.follow(store.changes);
    const devices = cache.devices(store);
    assert.equal((await devices.findBySipDomainAndUsername('PBX.test', '1000'))?.ha1Md5, 'old');
    assert.equal((await devices.findBySipDomainAndUsername('pbx.test', '1000'))?.ha1Md5, 'old');
    assert.equal(store.reads, 1, 'the domain is matched without case');
    assert.equal(await devices.findBySipDomainAndUsername('pbx.test', '9999'), null);
    assert.equal(await devices.findBySipDomainAndUsername('pbx.test', '9999'), null);
    assert.equal(store.reads, 3);
    cache.close();
  });

  it('drops everything at once when this process changes credentials', async () => {
    const store = fakeStore();
    const cache = new DirectoryCache({ clock: new FakeClock() });
    await cache.follow(store.changes);
    const devices = cache.devices(store);
    await devices.findBySipDomainAndUsername('pbx.test', '1000');
    store.rows.set('1000', device('1000', 'rotated'));
    store.changedHere();
    assert.equal((await devices.findBySipDomainAndUsername('pbx.test', '1000'))?.ha1Md5, 'rotated');
    store.rows.delete('1000');
    store.changedHere();
    assert.equal(await devices.findBySipDomainAndUsername('pbx.test', '1000'), null);
    cache.close();
  });

  it('drops everything when the generation moves (a change made elsewhere), within one poll', async () => {
    const clock = new FakeClock();
    const store = fakeStore();
    const cache = new DirectoryCache({ clock, pollMs: 1000 });
    await cache.follow(store.changes);
    const devices = cache.devices(store);
    await devices.findBySipDomainAndUsername('pbx.test', '1000');
    store.rows.set('1000', device('1000', 'rotated'));
    store.generation = 1;
    clock.advance(999);
    await settle();
    assert.equal((await devices.findBySipDomainAndUsername('pbx.test', '1000'))?.ha1Md5, 'old');
    clock.advance(1);
    await settle();
    assert.equal((await devices.findBySipDomainAndUsername('pbx.test', '1000'))?.ha1Md5, 'rotated');
    // a store that cannot say: nothing cached is trusted
    store.rows.set('1000', device('1000', 'third'));
    store.failing = true;
    clock.advance(1000);
    await settle();
    assert.equal((await devices.findBySipDomainAndUsername('pbx.test', '1000'))?.ha1Md5, 'third');
    cache.close();
    assert.equal(clock.pendingTimers, 0);
  });

  it('does not keep what a lookup read before a drop', async () => {
    const store = fakeStore();
    const cache = new DirectoryCache({ clock: new FakeClock() });
    await cache.follow(store.changes);
    const devices = cache.devices(store);
    const pending = devices.findBySipDomainAndUsername('pbx.test', '1000');
    store.rows.set('1000', device('1000', 'rotated'));
    store.changedHere();
    assert.equal((await pending)?.ha1Md5, 'old');
    assert.equal((await devices.findBySipDomainAndUsername('pbx.test', '1000'))?.ha1Md5, 'rotated');
    cache.close();
  });

  it('keeps at most maxEntries of a kind, dropping the oldest', async () => {
    const store = fakeStore();
    for (const u of ['1001', '1002']) store.rows.set(u, device(u, u));
    const cache = new DirectoryCache({ clock: new FakeClock(), maxEntries: 2 });
    const devices = cache.devices(store);
    for (const u of ['1000', '1001', '1002']) await devices.findBySipDomainAndUsername('d', u);
    assert.equal(cache.size, 2);
    await devices.findBySipDomainAndUsername('d', '1002');
    assert.equal(store.reads, 3);
    await devices.findBySipDomainAndUsername('d', '1000');
    assert.equal(store.reads, 4);
    cache.close();
  });
});
