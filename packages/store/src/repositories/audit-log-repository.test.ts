import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract, executeRaw } from '../testing/contract-harness.ts';

contract('audit log', (it) => {
  it('appends entries with increasing ids and returns them as stored', async ({ store, clock }) => {
    const first = await store.auditLog.append({
      actor: 'cli',
      action: 'user.create',
      outcome: 'success',
      target: 'user:1',
      tenantId: '11111111-1111-1111-1111-111111111111',
      remoteAddress: '2001:db8::1',
      remotePort: 65535,
      detail: { username: 'alice', extension: '201', nested: { ok: true } },
    });
    assert.deepEqual(first, {
      id: first.id,
      at: clock.now(),
      tenantId: '11111111-1111-1111-1111-111111111111',
      actor: 'cli',
      action: 'user.create',
      target: 'user:1',
      remoteAddress: '2001:db8::1',
      remotePort: 65535,
      outcome: 'success',
      detail: { username: 'alice', extension: '201', nested: { ok: true } },
    });
    const second = await store.auditLog.append({
      at: 5,
      actor: 'system',
      action: 'storage.migrate',
      outcome: 'failure',
    });
    assert.ok(second.id > first.id);
    assert.equal(second.at, 5);
    assert.equal(second.tenantId, null);
    assert.equal(second.remotePort, null);
    assert.deepEqual(second.detail, {});
  });

  it('refuses malformed entries', async ({ store }) => {
    const ok = { actor: 'cli', action: 'user.create', outcome: 'success' } as const;
    for (const bad of [
      { ...ok, action: 'User Create' },
      { ...ok, actor: '' },
      { ...ok, remotePort: 70000 },
      { ...ok, outcome: 'maybe' as 'success' },
      { ...ok, detail: { blob: 'x'.repeat(20_000) } },
    ]) {
      await assert.rejects(store.auditLog.append(bad), palisadeError('validation_failed'));
    }
    assert.deepEqual((await store.auditLog.query()).entries, []);
  });

  it('queries by tenant, actor, action prefix and time, newest first, page by page', async ({
    store,
  }) => {
    const tenantA = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
    const tenantB = 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb';
    const rows: [number, string, string, string][] = [
      [100, tenantA, 'user:1', 'user.create'],
      [200, tenantA, 'user:1', 'user.delete'],
      [300, tenantB, 'token:9', 'device.create'],
      [400, tenantA, 'cli', 'username.change'],
      [500, tenantA, 'user:1', 'user'],
      [600, tenantB, 'user:1', 'user_x.create'],
    ];
    const ids: number[] = [];
    for (const [at, tenantId, actor, action] of rows)
      ids.push(
        (await store.auditLog.append({ at, tenantId, actor, action, outcome: 'success' })).id,
      );

    const all = await store.auditLog.query();
    assert.deepEqual(
      all.entries.map((e) => e.at),
      [600, 500, 400, 300, 200, 100],
    );
    assert.equal(all.nextCursor, null);
    const actions = async (q: Parameters<typeof store.auditLog.query>[0]) =>
      (await store.auditLog.query(q)).entries.map((e) => e.action);
    assert.deepEqual(await actions({ tenantId: tenantB }), ['user_x.create', 'device.create']);
    assert.deepEqual(await actions({ actor: 'user:1', tenantId: tenantA }), [
      'user',
      'user.delete',
      'user.create',
    ]);
    // A prefix matches whole dotted segments; `_` is no wildcard.
    assert.deepEqual(await actions({ actionPrefix: 'user' }), [
      'user',
      'user.delete',
      'user.create',
    ]);
    assert.deepEqual(await actions({ actionPrefix: 'user.create' }), ['user.create']);
    assert.deepEqual(await actions({ actionPrefix: 'user_' }), []);
    assert.deepEqual(await actions({ from: 200, to: 400 }), ['device.create', 'user.delete']);

    const page1 = await store.auditLog.query({ limit: 4 });
    assert.deepEqual(
      page1.entries.map((e) => e.id),
      ids.slice(2).reverse(),
    );
    assert.equal(page1.nextCursor, ids[2]);
    const page2 = await store.auditLog.query({ limit: 4, cursor: page1.nextCursor });
    assert.deepEqual(
      page2.entries.map((e) => e.id),
      ids.slice(0, 2).reverse(),
    );
    assert.equal(page2.nextCursor, null);
  });

  it('the database itself refuses UPDATE and DELETE of audit entries', async ({
    store,
    config,
    dialect,
  }) => {
    const entry = await store.auditLog.append({
      actor: 'user:1',
      action: 'auth.login',
      outcome: 'denied',
    });
    const attempts = [
      `update audit_log set outcome = 'success' where id = ${entry.id}`,
      `delete from audit_log where id = ${entry.id}`,
      'delete from audit_log',
    ];
    if (dialect === 'postgres') attempts.push('truncate audit_log');
    for (const text of attempts) {
      await assert.rejects(executeRaw(config, text), /append-only/, text);
    }
    const { entries } = await store.auditLog.query();
    assert.deepEqual(entries, [entry]);
  });
});
