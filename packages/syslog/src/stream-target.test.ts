import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { nullLogger, systemClock } from '@palisade/common';
import { DiskQueue } from './disk-queue.ts';
import { formatSecurityEvent } from './rfc5424-format.ts';
import { StreamTarget } from './stream-target.ts';

interface Received {
  readonly seq: number;
  readonly resent: boolean;
}

/** A TCP collector that parses octet-counted frames (RFC 6587 §3.4.1). */
async function collector(port = 0): Promise<{
  port: number;
  received: Received[];
  dropConnections(): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) break;
        const len = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + len) break;
        const line = buf.subarray(sp + 1, sp + 1 + len).toString();
        buf = buf.subarray(sp + 1 + len);
        const m = /seq="(\d+)"( resent="1")?/.exec(line);
        assert.ok(m, line);
        received.push({ seq: Number(m[1]), resent: m[2] !== undefined });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    received,
    dropConnections: () => sockets.forEach((s) => s.destroy()),
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

function makeTarget(
  t: TestContext,
  port: number,
  resendWindow = 100,
  initialDelayMs = 10,
): StreamTarget {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-stream-'));
  const queue = DiskQueue.open(
    dir,
    { maxBytes: 1_000_000, segmentBytes: 65_536, fsyncIntervalMs: 20 },
    systemClock,
    nullLogger,
  );
  const target = new StreamTarget({
    name: 'tcp-test',
    config: { kind: 'tcp', host: '127.0.0.1', port },
    queue,
    resendWindow,
    reconnect: { initialDelayMs, maxDelayMs: initialDelayMs * 4, connectTimeoutMs: 2_000 },
    clock: systemClock,
    logger: nullLogger,
  });
  t.after(async () => {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return target;
}

const send = (target: StreamTarget, seq: number): void =>
  target.send(
    formatSecurityEvent({ type: 'auth.login', outcome: 'failure' }, seq, 0, {
      facility: 10,
      hostname: 'h',
      appName: 'palisade',
      procId: '1',
      maxMessageBytes: 2048,
    }),
  );

/** Every seq in 1..n at least once, first arrivals in order, every repeat marked resent. */
function assertNoGap(received: readonly Received[], n: number): void {
  const seen = new Set<number>();
  let last = 0;
  for (const { seq, resent } of received) {
    if (seen.has(seq)) assert.ok(resent, `duplicate ${seq} not marked resent`);
    else {
      assert.ok(seq > last, `seq ${seq} arrived first after ${last}`);
      seen.add(seq);
      last = seq;
    }
  }
  for (let s = 1; s <= n; s++) assert.ok(seen.has(s), `seq ${s} never arrived`);
}

test('a broken connection resends what may have been lost, marked, in order', async (t) => {
  const server = await collector();
  t.after(() => server.close());
  const target = makeTarget(t, server.port);
  for (let s = 1; s <= 5; s++) send(target, s);
  await until('five messages', () => server.received.length === 5);
  assert.ok(server.received.every((r) => !r.resent));
  server.dropConnections();
  for (let s = 6; s <= 8; s++) send(target, s);
  await until('seq 8', () => server.received.some((r) => r.seq === 8));
  assertNoGap(server.received, 8);
  assert.ok(
    server.received.slice(5).some((r) => r.seq === 1 && r.resent),
    'window resent',
  );
  assert.ok(target.stats().resent >= 5);
});

test('messages queued while the collector is down arrive unmarked when it comes up', async (t) => {
  const probe = await collector();
  const port = probe.port;
  await probe.close();
  const target = makeTarget(t, port);
  for (let s = 1; s <= 3; s++) send(target, s);
  await until('a failed attempt', () => target.stats().errors > 0);
  assert.equal(target.stats().queued, 3);
  const server = await collector(port);
  t.after(() => server.close());
  await until('three messages', () => server.received.length === 3);
  assert.deepEqual(
    server.received,
    [1, 2, 3].map((seq) => ({ seq, resent: false })),
  );
});

test('only the last resendWindow written messages stay queued', async (t) => {
  const server = await collector();
  t.after(() => server.close());
  // A slow reconnect, so the test sees the target between connections.
  const target = makeTarget(t, server.port, 2, 500);
  for (let s = 1; s <= 5; s++) send(target, s);
  await until('five messages', () => server.received.length === 5);
  await target.flush();
  assert.equal(target.stats().queued, 2);
  server.dropConnections();
  await until('the break noticed', () => target.state !== 'connected');
  send(target, 6);
  await until('seq 6', () => server.received.some((r) => r.seq === 6));
  assert.deepEqual(server.received.slice(5), [
    { seq: 4, resent: true },
    { seq: 5, resent: true },
    { seq: 6, resent: false },
  ]);
});

test('a clean close answered by the collector confirms everything; close is idempotent', async (t) => {
  const server = await collector();
  t.after(() => server.close());
  const target = makeTarget(t, server.port);
  for (let s = 1; s <= 3; s++) send(target, s);
  await until('three messages', () => server.received.length === 3);
  await Promise.all([target.close(), target.close()]);
  assert.equal(target.stats().queued, 0);
  assert.equal(target.state, 'closed');
});

test('LF framing (RFC 6587 §3.4.2) ends each message with a newline', async (t) => {
  let text = '';
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (d) => (text += d.toString()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise((resolve) => server.close(resolve));
  });
  const dir = mkdtempSync(join(tmpdir(), 'palisade-stream-'));
  const target = new StreamTarget({
    name: 'tcp-lf',
    config: {
      kind: 'tcp',
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      framing: 'lf',
    },
    queue: DiskQueue.open(
      dir,
      { maxBytes: 1_000_000, segmentBytes: 65_536, fsyncIntervalMs: 20 },
      systemClock,
      nullLogger,
    ),
    resendWindow: 10,
    reconnect: { initialDelayMs: 10, maxDelayMs: 40, connectTimeoutMs: 2_000 },
    clock: systemClock,
    logger: nullLogger,
  });
  t.after(async () => {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });
  send(target, 1);
  send(target, 2);
  await until('two lines', () => text.split('\n').length === 3);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^<84>1 .* seq="1"/);
  assert.match(lines[1]!, /^<84>1 .* seq="2"/);
  assert.equal(lines[2], '');
});
