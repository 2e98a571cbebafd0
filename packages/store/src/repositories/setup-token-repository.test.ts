import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { sha256Hex } from '../testing/fixtures.ts';

const HOUR = 3_600_000;

contract('setup tokens', (it) => {
  it('is consumed once, and only before it expires', async ({ store, clock }) => {
    const now = clock.now();
    const token = await store.setupTokens.create({
      tokenHash: sha256Hex('s1'),
      expiresAt: now + HOUR,
    });
    assert.deepEqual(token, {
      id: token.id,
      tokenHash: sha256Hex('s1'),
      createdAt: now,
      expiresAt: now + HOUR,
      usedAt: null,
    });
    assert.equal(await store.setupTokens.consume(sha256Hex('nope'), now), false);
    assert.equal(await store.setupTokens.consume(token.tokenHash, now + 1), true);
    assert.equal(await store.setupTokens.consume(token.tokenHash, now + 2), false);

    await store.setupTokens.create({ tokenHash: sha256Hex('s2'), expiresAt: now + HOUR });
    assert.equal(await store.setupTokens.consume(sha256Hex('s2'), now + HOUR), false);
    await assert.rejects(
      store.setupTokens.create({ tokenHash: sha256Hex('s2'), expiresAt: now + HOUR }),
      palisadeError('conflict', 'tokenHash'),
    );
  });

  it('two concurrent consumers: exactly one wins', async ({ store, clock, openAnother }) => {
    const now = clock.now();
    await store.setupTokens.create({ tokenHash: sha256Hex('race'), expiresAt: now + HOUR });
    const second = await openAnother();
    const results = await Promise.all([
      store.setupTokens.consume(sha256Hex('race'), now),
      second.setupTokens.consume(sha256Hex('race'), now),
    ]);
    assert.deepEqual(results.sort(), [false, true]);
  });

  it('invalidateAll removes every token', async ({ store, clock }) => {
    const now = clock.now();
    await store.setupTokens.create({ tokenHash: sha256Hex('a'), expiresAt: now + HOUR });
    await store.setupTokens.create({ tokenHash: sha256Hex('b'), expiresAt: now + HOUR });
    assert.equal(await store.setupTokens.invalidateAll(), 2);
    assert.equal(await store.setupTokens.consume(sha256Hex('a'), now), false);
    assert.equal(await store.setupTokens.invalidateAll(), 0);
  });
});
