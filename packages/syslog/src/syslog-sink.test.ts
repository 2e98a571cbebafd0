import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  FakeClock,
  isPalisadeError,
  nullLogger,
  type Logger,
  type SecurityEvent,
} from '@palisade/common';
import {
  defaultSyslogConfig,
  type SyslogConfig,
  type SyslogTargetConfig,
} from './syslog-config.ts';
import { createSyslogSink, type SyslogSink } from './syslog-sink.ts';

const event: SecurityEvent = {
  type: 'auth.login',
  outcome: 'failure',
  actor: 'alice',
  remoteAddress: '127.0.0.2',
  remotePort: 40000,
  method: 'password',
};

type Defer = (fn: () => unknown) => void;

/** Cleanups run in reverse order of registration: sinks close before their dir goes. */
function cleanups(t: TestContext): Defer {
  const fns: (() => unknown)[] = [];
  t.after(async () => {
    for (const fn of fns.reverse()) await fn();
  });
  return (fn) => fns.push(fn);
}

function tempDir(defer: Defer): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-sink-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sink(
  defer: Defer,
  targets: SyslogTargetConfig[],
  dataDir: string,
  logger: Logger = nullLogger,
): SyslogSink {
  const config: SyslogConfig = { ...defaultSyslogConfig, hostname: 'pbx1', targets };
  const s = createSyslogSink(config, { clock: new FakeClock(0), logger, dataDir, procId: '77' });
  defer(() => s.close());
  return s;
}

test('UDP: one RFC 5424 message per datagram', async (t) => {
  const defer = cleanups(t);
  const server = createSocket('udp4');
  defer(() => server.close());
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const got = new Promise<string>((resolve) =>
    server.once('message', (m) => resolve(m.toString())),
  );
  const s = sink(
    defer,
    [{ kind: 'udp', host: '127.0.0.1', port: server.address().port }],
    tempDir(defer),
  );
  s.emit(event);
  assert.equal(
    await got,
    '<84>1 1970-01-01T00:00:00.000Z pbx1 palisade 77 auth.login [palisade@32473 seq="1" ' +
      'outcome="failure" user="alice" remoteAddr="127.0.0.2" remotePort="40000" method="password"] ' +
      'auth.login failure from 127.0.0.2 port 40000 user="alice" method=password',
  );
  await s.flush();
  assert.equal(s.stats().targets[0]?.sent, 1);
});

interface UnixDgram {
  createSocket(
    type: 'unix_dgram',
    l: (m: Buffer) => void,
  ): { bind(p: string): void; close(): void };
}

/** unix-dgram is an optional (native) dependency; without it the local target only reports. */
function loadUnixDgram(): UnixDgram | undefined {
  try {
    return createRequire(import.meta.url)('unix-dgram') as UnixDgram;
  } catch {
    return undefined;
  }
}
const unixDgram = loadUnixDgram();

test(
  'local: a unix datagram to the configured socket path',
  { skip: unixDgram ? false : 'optional dependency unix-dgram is not installed' },
  async (t) => {
    const defer = cleanups(t);
    const dir = tempDir(defer);
    const path = join(dir, 'log.sock');
    let resolveGot: (line: string) => void = () => undefined;
    const got = new Promise<string>((resolve) => (resolveGot = resolve));
    const server = unixDgram!.createSocket('unix_dgram', (m) => resolveGot(m.toString()));
    server.bind(path);
    defer(() => server.close());
    const s = sink(defer, [{ kind: 'local', path }], dir);
    s.emit(event);
    assert.match(await got, /^<84>1 .* \[palisade@32473 seq="1" outcome="failure"/);
    assert.equal(s.stats().targets[0]?.state, 'up');
  },
);

test('local: a missing socket is reported once and the sink carries on', (t) => {
  const defer = cleanups(t);
  const warnings: string[] = [];
  const logger: Logger = { ...nullLogger, warn: (msg) => warnings.push(msg) };
  const dir = tempDir(defer);
  const s = sink(defer, [{ kind: 'local', path: join(dir, 'absent.sock') }], dir, logger);
  for (let i = 0; i < 3; i++) s.emit(event);
  assert.equal(warnings.length, 1);
  const stats = s.stats();
  assert.equal(stats.emitted, 3);
  assert.equal(stats.targets[0]?.dropped, 3);
  assert.equal(stats.targets[0]?.state, 'down');
});

test('seq continues across a restart of the sink', async (t) => {
  const defer = cleanups(t);
  const dir = tempDir(defer);
  const first = sink(defer, [], dir);
  first.emit(event);
  first.emit(event);
  await first.close();
  await first.close();
  first.emit(event); // after close: ignored
  assert.equal(first.stats().lastSeq, 2);
  const second = sink(defer, [], dir);
  second.emit(event);
  assert.equal(second.stats().lastSeq, 3);
});

test('a bad setting is refused with its name', (t) => {
  const defer = cleanups(t);
  const dir = tempDir(defer);
  const bad = (patch: Partial<SyslogConfig>): unknown => {
    try {
      createSyslogSink(
        { ...defaultSyslogConfig, ...patch },
        {
          clock: new FakeClock(),
          logger: nullLogger,
          dataDir: dir,
        },
      );
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const port = bad({ targets: [{ kind: 'udp', host: '127.0.0.1', port: 70000 }] });
  assert.ok(isPalisadeError(port, 'config_invalid'));
  assert.match(port.message, /syslog\.targets\[0\]\.port/);
  const facility = bad({ facility: 'kern' as never });
  assert.ok(isPalisadeError(facility, 'config_invalid'));
  assert.match(facility.message, /syslog\.facility/);
  const ca = bad({
    targets: [{ kind: 'tls', host: 'localhost', port: 6514, caFile: join(dir, 'none.pem') }],
  });
  assert.ok(isPalisadeError(ca, 'config_invalid'));
  assert.match(ca.message, /caFile/);
});

test('a data directory that cannot be used is a storage_failed error', (t) => {
  const defer = cleanups(t);
  const file = join(tempDir(defer), 'not-a-dir');
  writeFileSync(file, '');
  let error: unknown;
  try {
    createSyslogSink(defaultSyslogConfig, {
      clock: new FakeClock(),
      logger: nullLogger,
      dataDir: file,
    });
  } catch (err) {
    error = err;
  }
  assert.ok(isPalisadeError(error, 'storage_failed'));
});

test('close cancels every timer and socket, even with the collector down', async (t) => {
  const defer = cleanups(t);
  const dir = tempDir(defer);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const clock = new FakeClock(0);
  const s = createSyslogSink(
    { ...defaultSyslogConfig, targets: [{ kind: 'tcp', host: '127.0.0.1', port }] },
    { clock, logger: nullLogger, dataDir: dir },
  );
  s.emit(event);
  for (let i = 0; i < 50 && (s.stats().targets[0]?.errors ?? 0) === 0; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(s.stats().targets[0]?.state, 'backoff');
  assert.ok(clock.pendingTimers > 0);
  await s.close();
  assert.equal(clock.pendingTimers, 0);
  assert.equal(s.stats().targets[0]?.state, 'closed');
  assert.equal(s.stats().targets[0]?.queued, 1, 'kept for the next start');
});
