import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVITE_CLIENT_TRANSITIONS } from './invite-client-transaction.ts';
import { INVITE_SERVER_TRANSITIONS } from './invite-server-transaction.ts';
import { NON_INVITE_CLIENT_TRANSITIONS } from './non-invite-client-transaction.ts';
import { NON_INVITE_SERVER_TRANSITIONS } from './non-invite-server-transaction.ts';
import { StateMachine } from './state-machine.ts';
import type { TransitionTable } from './state-machine.ts';

const tables: Record<string, TransitionTable<string>> = {
  'INVITE client': INVITE_CLIENT_TRANSITIONS,
  'non-INVITE client': NON_INVITE_CLIENT_TRANSITIONS,
  'INVITE server': INVITE_SERVER_TRANSITIONS,
  'non-INVITE server': NON_INVITE_SERVER_TRANSITIONS,
};

for (const [name, table] of Object.entries(tables)) {
  test(`${name}: every listed move is allowed, every other move throws`, () => {
    const states = Object.keys(table);
    for (const from of states) {
      for (const to of states) {
        const m = new StateMachine(name, from, table);
        if ((table[from] ?? []).includes(to)) m.transition(to);
        else assert.throws(() => m.transition(to), /illegal transition/, `${from} -> ${to}`);
      }
    }
    assert.deepEqual(table['terminated'], [], 'Terminated is final');
  });
}

test('the RFC moves that must not exist do not', () => {
  const illegal: [TransitionTable<string>, string, string][] = [
    [INVITE_CLIENT_TRANSITIONS, 'completed', 'accepted'],
    [INVITE_CLIENT_TRANSITIONS, 'accepted', 'completed'],
    [INVITE_CLIENT_TRANSITIONS, 'proceeding', 'calling'],
    [INVITE_SERVER_TRANSITIONS, 'completed', 'accepted'],
    [INVITE_SERVER_TRANSITIONS, 'accepted', 'confirmed'],
    [INVITE_SERVER_TRANSITIONS, 'confirmed', 'completed'],
    [NON_INVITE_SERVER_TRANSITIONS, 'completed', 'proceeding'],
    [NON_INVITE_CLIENT_TRANSITIONS, 'completed', 'proceeding'],
  ];
  for (const [table, from, to] of illegal) {
    assert.throws(() => new StateMachine('t', from, table).transition(to), /illegal/);
  }
});
