import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant, makeUser, sha256Hex } from '../testing/fixtures.ts';

contract('web sessions', (it) => {
  it('creates, finds by token hash, updates, and revokes once', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const now = clock.now();
    const s = await store.webSessions.create({
      tokenHash: sha256Hex('tok'),
      csrfHash: sha256Hex('csrf'),
      tenantId: t.id,
      userId: u.id,
      kind: 'console',
      stage: 'mfa',
      mustEnrolMfa: true,
      expiresAt: now + 1000,
      idleTimeoutMs: 500,
      authenticatedAt: now,
      remoteAddress: '127.0.0.2',
      userAgent: 'ua',
    });
    assert.equal(s.stage, 'mfa');
    assert.equal(s.mustEnrolMfa, true);
    assert.deepEqual(await store.webSessions.findByTokenHash(sha256Hex('tok')), s);
    assert.equal(await store.webSessions.findByTokenHash(sha256Hex('other')), null);
    const moved = await store.webSessions.update(s.id, {
      tokenHash: sha256Hex('tok2'),
      stage: 'active',
      mustEnrolMfa: false,
      lastSeenAt: now + 5,
    });
    assert.equal(moved?.stage, 'active');
    assert.equal(moved?.mustEnrolMfa, false);
    assert.equal(moved?.lastSeenAt, now + 5);
    assert.equal(await store.webSessions.findByTokenHash(sha256Hex('tok')), null);
    await assert.rejects(
      store.webSessions.create({ ...s, tokenHash: sha256Hex('tok2') }),
      palisadeError('conflict', 'tokenHash'),
    );
    assert.deepEqual(
      (await store.webSessions.listLive({ userId: u.id }, now)).map((x) => x.id),
      [s.id],
    );
    assert.equal(await store.webSessions.revoke(s.id, now + 10, 'logout'), true);
    assert.equal(await store.webSessions.revoke(s.id, now + 11, 'logout'), false);
    assert.equal(await store.webSessions.update(s.id, { stage: 'active' }), null);
    const gone = await store.webSessions.findById(s.id);
    assert.equal(gone?.revokedAt, now + 10);
    assert.equal(gone?.revokeReason, 'logout');
    assert.deepEqual(await store.webSessions.listLive({ userId: u.id }, now), []);
  });

  it('revokes all sessions of a user but one; expired ones are not live', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const v = await makeUser(store, t.id, 2);
    const now = clock.now();
    const mk = (user: string, n: string, expiresAt = now + 1000) =>
      store.webSessions.create({
        tokenHash: sha256Hex(n),
        csrfHash: sha256Hex(`c${n}`),
        tenantId: t.id,
        userId: user,
        kind: 'app',
        stage: 'active',
        mustEnrolMfa: false,
        expiresAt,
        idleTimeoutMs: 500,
        authenticatedAt: now,
        remoteAddress: '::1',
        userAgent: '',
      });
    const a = await mk(u.id, 'a');
    await mk(u.id, 'b');
    await mk(u.id, 'c', now - 1);
    const other = await mk(v.id, 'd');
    assert.equal(await store.webSessions.revokeAllOfUser(u.id, now, 'others', a.id), 2);
    assert.deepEqual(
      (await store.webSessions.listLive({ tenantId: t.id }, now)).map((x) => x.id).sort(),
      [a.id, other.id].sort(),
    );
  });
});

contract('login throttle', (it) => {
  it('keeps counters per account and address; unlock clears the account', async ({ store }) => {
    const r = store.loginThrottle;
    await r.put({
      accountKey: 't/a',
      address: '127.0.0.2',
      failures: 1,
      lastFailureAt: 5,
      lockedUntil: null,
    });
    await r.put({
      accountKey: 't/a',
      address: '127.0.0.2',
      failures: 3,
      lastFailureAt: 9,
      lockedUntil: 99,
    });
    await r.put({
      accountKey: 't/a',
      address: '*',
      failures: 3,
      lastFailureAt: 9,
      lockedUntil: null,
    });
    await r.put({
      accountKey: 't/b',
      address: '127.0.0.2',
      failures: 1,
      lastFailureAt: 9,
      lockedUntil: null,
    });
    assert.deepEqual(await r.get('t/a', '127.0.0.2'), {
      accountKey: 't/a',
      address: '127.0.0.2',
      failures: 3,
      lastFailureAt: 9,
      lockedUntil: 99,
    });
    assert.equal(await r.get('t/a', '127.0.0.3'), null);
    assert.deepEqual(
      (await r.listLocked('t/a', 50)).map((s) => s.address),
      ['127.0.0.2'],
    );
    assert.deepEqual(await r.listLocked('t/a', 99), []);
    await r.delete('t/a', '*');
    assert.equal(await r.get('t/a', '*'), null);
    assert.equal(await r.deleteAccount('t/a'), 1);
    assert.notEqual(await r.get('t/b', '127.0.0.2'), null);
    await r.put({
      accountKey: 't/b',
      address: '*',
      failures: 100,
      lastFailureAt: 9,
      lockedUntil: Number.MAX_SAFE_INTEGER,
    });
    assert.equal((await r.get('t/b', '*'))?.lockedUntil, Number.MAX_SAFE_INTEGER);
  });
});

contract('mfa factors', (it) => {
  it('moves TOTP steps forward only, consumes once, and keeps credential ids unique', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const r = store.mfaFactors;
    const totp = await r.create({
      tenantId: t.id,
      userId: u.id,
      kind: 'totp',
      label: 'app',
      secret: 'JBSWY3DPEHPK3PXP',
      confirmed: false,
    });
    assert.equal(totp.lastStep, null);
    assert.equal(totp.confirmed, false);
    assert.equal(await r.advanceStep(totp.id, 10, clock.now()), true);
    assert.equal(await r.advanceStep(totp.id, 10, clock.now()), false);
    assert.equal(await r.advanceStep(totp.id, 9, clock.now()), false);
    assert.equal(await r.advanceStep(totp.id, 11, clock.now()), true);
    await r.update(totp.id, { confirmed: true });
    assert.equal((await r.findById(totp.id))?.lastStep, 11);
    assert.equal((await r.findById(totp.id))?.confirmed, true);
    const rc = await r.create({
      tenantId: t.id,
      userId: u.id,
      kind: 'recovery',
      label: 'r',
      secret: sha256Hex('x'),
      confirmed: true,
    });
    assert.equal(await r.consume(rc.id, 1), true);
    assert.equal(await r.consume(rc.id, 2), false);
    const pk = await r.create({
      tenantId: t.id,
      userId: u.id,
      kind: 'passkey',
      label: 'key',
      secret: 'pub',
      credentialId: 'cred1',
      counter: 3,
      confirmed: true,
    });
    assert.equal((await r.findByCredentialId('cred1'))?.id, pk.id);
    await assert.rejects(
      r.create({
        tenantId: t.id,
        userId: u.id,
        kind: 'passkey',
        label: 'k2',
        secret: 'p',
        credentialId: 'cred1',
        confirmed: true,
      }),
      palisadeError('conflict', 'credentialId'),
    );
    assert.deepEqual((await r.listOfUser(u.id)).map((f) => f.kind).sort(), [
      'passkey',
      'recovery',
      'totp',
    ]);
    assert.equal(await r.deleteOfUser(u.id, 'recovery'), 1);
    assert.equal(await r.delete(pk.id), true);
    assert.equal(await r.delete(pk.id), false);
  });
});

contract('one-time codes and known networks', (it) => {
  it('finds active codes, consumes once, counts attempts and rates', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const now = clock.now();
    const r = store.oneTimeCodes;
    const c = await r.create({
      purpose: 'email-code',
      tenantId: t.id,
      userId: u.id,
      codeHash: sha256Hex('1'),
      boundTo: 'attempt-1',
      expiresAt: now + 100,
    });
    await r.create({
      purpose: 'unlock',
      tenantId: t.id,
      userId: u.id,
      codeHash: sha256Hex('2'),
      expiresAt: now + 100,
    });
    assert.equal((await r.findActiveBound('email-code', 'attempt-1', now))?.id, c.id);
    assert.equal(await r.findActiveBound('email-code', 'attempt-1', now + 100), null);
    assert.equal(await r.findActiveBound('sms-code', 'attempt-1', now), null);
    assert.equal((await r.findActiveByHash('unlock', sha256Hex('2'), now))?.purpose, 'unlock');
    assert.equal(await r.findActiveByHash('location', sha256Hex('2'), now), null);
    assert.equal(await r.countAttempt(c.id), 1);
    assert.equal(await r.countAttempt(c.id), 2);
    assert.equal(await r.countSince({ userId: u.id }, 'email-code', now), 1);
    assert.equal(await r.countSince({ tenantId: t.id }, 'unlock', now), 1);
    assert.equal(await r.countSince({ tenantId: t.id }, 'unlock', now + 1), 0);
    assert.equal(await r.consume(c.id, now), true);
    assert.equal(await r.consume(c.id, now), false);
    assert.equal(await r.findActiveBound('email-code', 'attempt-1', now), null);
  });

  it('remembers networks until they expire', async ({ store, clock }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const now = clock.now();
    const r = store.knownNetworks;
    assert.equal(await r.isKnown(u.id, '10.0.0.0/24', now), false);
    await r.remember(u.id, '10.0.0.0/24', now, now + 10);
    assert.equal(await r.isKnown(u.id, '10.0.0.0/24', now + 9), true);
    assert.equal(await r.isKnown(u.id, '10.0.0.0/24', now + 10), false);
    await r.remember(u.id, '10.0.0.0/24', now + 5, now + 50);
    assert.equal(await r.isKnown(u.id, '10.0.0.0/24', now + 20), true);
  });
});
