import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import { WorkerChannel } from './worker-channel.ts';

const settings = { bindAddress: '127.0.0.1', mediaTimeoutMs: 60_000, replayWindow: 128 };

test('typed requests get their own typed answers; worker errors keep their code', async () => {
  const channel = new WorkerChannel(settings, 5000, () => undefined);
  try {
    await channel.ready();
    const [stats, gone] = await Promise.allSettled([
      channel.request('deleteSession', { sessionId: 'none' }),
      channel.request('sessionStats', { sessionId: 'none' }),
    ]);
    assert.deepEqual(stats, { status: 'fulfilled', value: { ports: [] } });
    assert.equal(gone.status, 'rejected');
    assert.ok(isPalisadeError(gone.reason, 'not_found'));
  } finally {
    await channel.close();
  }
});

test('a stopped worker fails requests with 503 instead of hanging', async () => {
  const channel = new WorkerChannel(settings, 5000, () => undefined);
  await channel.ready();
  await channel.close();
  await assert.rejects(
    channel.request('deleteSession', { sessionId: 'x' }),
    (e: unknown) => isPalisadeError(e, 'overloaded') && e.sipStatus === 503,
  );
});
