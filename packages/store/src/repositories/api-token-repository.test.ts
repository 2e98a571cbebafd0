import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant, sha256Hex } from '../testing/fixtures.ts';

contract('API tokens', (it) => {
  it('creates, finds active tokens by hash, records use and revokes', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const now = clock.now();
    const token = await store.apiTokens.create({
      tenantId: t.id,
      name: 'crm',
      tokenHash: sha256Hex('secret-1'),
      scopes: ['users:read', 'devices:write'],
      createdBy: 'cli',
      expiresAt: now + 3_600_000,
    });
    assert.deepEqual(token, {
      id: token.id,
      tenantId: t.id,
      name: 'crm',
      tokenHash: sha256Hex('secret-1'),
      scopes: ['users:read', 'devices:write'],
      createdBy: 'cli',
      createdAt: now,
      expiresAt: now + 3_600_000,
      lastUsedAt: null,
      revokedAt: null,
    });
    assert.deepEqual(await store.apiTokens.findActiveByHash(sha256Hex('secret-1'), now), token);
    assert.equal(await store.apiTokens.findActiveByHash(sha256Hex('secret-2'), now), null);
    // Expired at exactly expiresAt.
    assert.equal(await store.apiTokens.findActiveByHash(token.tokenHash, now + 3_600_000), null);

    await store.apiTokens.touchLastUsed(token.id, now + 10);
    assert.equal((await store.apiTokens.findById(token.id))?.lastUsedAt, now + 10);

    const revoked = await store.apiTokens.revoke(token.id, now + 20);
    assert.equal(revoked.revokedAt, now + 20);
    assert.equal((await store.apiTokens.revoke(token.id, now + 30)).revokedAt, now + 20);
    assert.equal(await store.apiTokens.findActiveByHash(token.tokenHash, now + 21), null);
    await assert.rejects(
      store.apiTokens.revoke('00000000-0000-0000-0000-000000000000', now),
      palisadeError('not_found'),
    );
  });

  it('never expires without expiresAt, refuses a duplicate hash, lists newest first', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    const input = { tenantId: t.id, scopes: [], createdBy: 'user:x' };
    const a = await store.apiTokens.create({ ...input, name: 'a', tokenHash: sha256Hex('a') });
    clock.advance(1);
    const b = await store.apiTokens.create({ ...input, name: 'b', tokenHash: sha256Hex('b') });
    await store.apiTokens.create({
      ...input,
      tenantId: other.id,
      name: 'c',
      tokenHash: sha256Hex('c'),
    });
    assert.equal(a.expiresAt, null);
    assert.deepEqual(
      await store.apiTokens.findActiveByHash(a.tokenHash, Number.MAX_SAFE_INTEGER),
      a,
    );
    await assert.rejects(
      store.apiTokens.create({ ...input, name: 'dup', tokenHash: sha256Hex('a') }),
      palisadeError('conflict', 'tokenHash'),
    );
    assert.deepEqual(
      (await store.apiTokens.list(t.id)).map((x) => x.id),
      [b.id, a.id],
    );
  });
});
