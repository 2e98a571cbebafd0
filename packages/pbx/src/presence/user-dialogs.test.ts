import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallParty } from '../calls/call-parties.ts';
import { UserDialogs } from './user-dialogs.ts';
import type { UserDialogsChange } from './user-dialogs.ts';

const party = (
  userId: string,
  state: CallParty['state'],
  direction: CallParty['direction'] = 'recipient',
  deviceId = `${userId}-desk`,
): CallParty => ({
  userId,
  deviceId,
  direction,
  state,
  identity: { number: userId, displayName: null },
  peer: { number: '1001', displayName: 'Ann' },
});

function rig() {
  const dialogs = new UserDialogs();
  const changes: UserDialogsChange[] = [];
  dialogs.events.on('changed', (c) => changes.push(c));
  const update = (callId: string, parties: CallParty[]) =>
    dialogs.update({ callId, tenantId: 't', parties });
  return { dialogs, changes, update };
}

test('a dialog keeps its id from ringing to answered; its end is told once, as terminated', () => {
  const { dialogs, changes, update } = rig();
  update('c1', [party('ann', 'early', 'initiator'), party('bob', 'early')]);
  assert.deepEqual(
    changes.map((c) => c.userId),
    ['ann', 'bob'],
  );
  const ringing = dialogs.of('bob')[0]!;
  assert.equal(ringing.state, 'early');
  assert.match(ringing.id, /^d[0-9a-f]{16}$/);
  assert.equal(dialogs.ringing('bob'), true);
  assert.equal(dialogs.ringing('ann'), false, 'the caller is not being rung');
  changes.length = 0;
  // the same report again changes nothing
  update('c1', [party('ann', 'early', 'initiator'), party('bob', 'early')]);
  assert.equal(changes.length, 0);
  update('c1', [party('ann', 'confirmed', 'initiator'), party('bob', 'confirmed')]);
  assert.equal(dialogs.of('bob')[0]!.id, ringing.id);
  assert.equal(dialogs.onCall('bob'), true);
  changes.length = 0;
  update('c1', []);
  assert.deepEqual(
    changes.map((c) => c.userId),
    ['ann', 'bob'],
  );
  const [annEnded, bobEnded] = changes.map((c) => c.ended);
  assert.deepEqual(
    annEnded?.map((d) => d.state),
    ['terminated'],
  );
  assert.deepEqual(
    bobEnded?.map((d) => [d.id, d.state]),
    [[ringing.id, 'terminated']],
  );
  assert.deepEqual(dialogs.of('bob'), []);
  assert.equal(dialogs.onCall('bob'), false);
  changes.length = 0;
  update('c1', []);
  assert.equal(changes.length, 0, 'an unknown or ended call changes nothing');
});

test('a device listed twice keeps its furthest state; other calls and devices are apart', () => {
  const { dialogs, update } = rig();
  update('c1', [party('bob', 'early'), party('bob', 'confirmed')]);
  assert.deepEqual(
    dialogs.of('bob').map((d) => d.state),
    ['confirmed'],
  );
  update('c2', [party('bob', 'early', 'recipient', 'bob-mobile')]);
  assert.deepEqual(
    dialogs.of('bob').map((d) => [d.deviceId, d.state]),
    [
      ['bob-desk', 'confirmed'],
      ['bob-mobile', 'early'],
    ],
  );
  update('c2', []);
  assert.deepEqual(
    dialogs.of('bob').map((d) => d.deviceId),
    ['bob-desk'],
  );
});
