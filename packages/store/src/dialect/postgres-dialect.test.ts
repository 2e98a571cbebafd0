import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPalisadeError } from '@palisade/common';
import { openStore } from '../open-store.ts';

test('an unreachable PostgreSQL fails with storage_failed and does not repeat the password', async () => {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const url = 'postgres://palisade:not-a-real-secret@127.0.0.1:1/palisade';
  await assert.rejects(openStore({ kind: 'postgres', url }), (err) => {
    assert.ok(isPalisadeError(err, 'storage_failed'));
    assert.doesNotMatch(err.message, /not-a-real-secret/);
    assert.doesNotMatch(JSON.stringify(err.details ?? {}), /not-a-real-secret/);
    return true;
  });
});
