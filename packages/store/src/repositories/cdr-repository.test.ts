import assert from 'node:assert/strict';
import type { NewCdr, Tenant, User } from '@palisade/pbx';
import { contract } from '../testing/contract-harness.ts';
import { makeTenant, makeUser } from '../testing/fixtures.ts';

function newCdr(tenant: Tenant, caller: User, callee: string, startedAt: number): NewCdr {
  return {
    tenantId: tenant.id,
    callId: `call-${startedAt}@host`,
    callerUserId: caller.id,
    callerDeviceId: '00000000-0000-0000-0000-0000000000d1',
    caller: caller.extension,
    callee,
    callClass: 'internal',
    startedAt,
  };
}

contract('cdrs', (it) => {
  it('begins in progress, finishes once, and lists newest first with filters', async ({
    store,
  }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    const alice = await makeUser(store, t.id, 1);
    const bob = await makeUser(store, t.id, 2);
    const a = await store.cdrs.begin(newCdr(t, alice, bob.extension, 1_000));
    assert.equal(a.disposition, 'in_progress');
    assert.deepEqual(await store.cdrs.findById(a.id), a);
    const outcome = {
      disposition: 'answered' as const,
      calleeUserId: bob.id,
      calleeDeviceId: '00000000-0000-0000-0000-0000000000d2',
      answeredAt: 3_000,
      endedAt: 63_400,
      hangupCause: 'normal',
      causeSide: 'callee' as const,
    };
    assert.equal(await store.cdrs.finish(a.id, outcome), true);
    // a CDR is final once: a second outcome is refused and changes nothing
    assert.equal(await store.cdrs.finish(a.id, { ...outcome, hangupCause: 'again' }), false);
    const done = await store.cdrs.findById(a.id);
    assert.equal(done?.disposition, 'answered');
    assert.equal(done?.durationSeconds, 60);
    assert.equal(done?.hangupCause, 'normal');
    assert.equal(done?.causeSide, 'callee');
    assert.equal(done?.calleeUserId, bob.id);
    const b = await store.cdrs.begin(newCdr(t, bob, '0301234', 2_000));
    await store.cdrs.finish(b.id, {
      ...outcome,
      disposition: 'busy',
      calleeUserId: null,
      calleeDeviceId: null,
      answeredAt: null,
      endedAt: 2_500,
      hangupCause: 'busy',
    });
    await store.cdrs.begin(newCdr(other, alice, '1', 5_000));
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id })).map((c) => c.id),
      [b.id, a.id],
    );
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id, disposition: 'busy' })).map((c) => c.id),
      [b.id],
    );
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id, userId: bob.id })).map((c) => c.id),
      [b.id, a.id],
    );
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id, number: '0301234' })).map((c) => c.id),
      [b.id],
    );
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id, from: 1_500 })).map((c) => c.id),
      [b.id],
    );
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id, to: 1_500 })).map((c) => c.id),
      [a.id],
    );
    assert.deepEqual(
      (await store.cdrs.list({ tenantId: t.id }, { limit: 1, offset: 1 })).map((c) => c.id),
      [a.id],
    );
  });

  it('marks calls still in progress interrupted, and only those', async ({
    store,
    openAnother,
  }) => {
    const t = await makeTenant(store);
    const alice = await makeUser(store, t.id, 1);
    const live = await store.cdrs.begin(newCdr(t, alice, '102', 1_000));
    const done = await store.cdrs.begin(newCdr(t, alice, '103', 1_100));
    await store.cdrs.finish(done.id, {
      disposition: 'cancelled',
      calleeUserId: null,
      calleeDeviceId: null,
      answeredAt: null,
      endedAt: 1_200,
      hangupCause: 'cancelled',
      causeSide: 'caller',
    });
    // what a restart sees: another connection to the same database
    const restarted = await openAnother();
    assert.equal(await restarted.cdrs.markInterrupted(9_000), 1);
    assert.equal(await restarted.cdrs.markInterrupted(9_500), 0);
    const row = await restarted.cdrs.findById(live.id);
    assert.equal(row?.disposition, 'interrupted');
    assert.equal(row?.endedAt, 9_000);
    assert.equal(row?.causeSide, 'system');
    assert.equal((await restarted.cdrs.findById(done.id))?.disposition, 'cancelled');
  });
});
