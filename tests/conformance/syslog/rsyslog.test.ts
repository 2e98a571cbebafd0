/**
 * Conformance against a real rsyslog (Debian packages rsyslog, rsyslog-gnutls):
 * imtcp with the gtls driver (RFC 5425) and imudp (RFC 5426), writing the raw
 * messages it receives to files. The TLS test stops rsyslog while events keep
 * being logged, starts it again, and checks that every seq arrived at least
 * once, first arrivals in order, and every duplicate marked resent.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nullLogger, systemClock, type Clock, type SecurityEvent } from '@palisade/common';
import {
  createSyslogSink,
  defaultSyslogConfig,
  formatSecurityEvent,
  type FormatOptions,
  type SyslogConfig,
  type SyslogSink,
  type TlsTargetConfig,
} from '@palisade/syslog';
import { debianFile, debianPeer } from '../../support/debian.ts';
import { freeSipPort, freeTcpPort } from '../../support/ports.ts';
import { startPeer, type RunningPeer } from '../../support/process.ts';

const rsyslogd = debianPeer('rsyslog', 'rsyslogd');
const gtls = rsyslogd.path
  ? debianFile(
      'rsyslog-gnutls',
      ['x86_64-linux-gnu', 'aarch64-linux-gnu', ''].map(
        (a) => `/usr/lib/${a}/rsyslog/lmnsd_gtls.so`,
      ),
    )
  : rsyslogd;
const fail2banRegex = rsyslogd.path ? debianPeer('fail2ban', 'fail2ban-regex') : rsyslogd;
const fail2banFilter = new URL('../../../packages/syslog/fail2ban/palisade.conf', import.meta.url)
  .pathname;
const skip =
  rsyslogd.skip ?? gtls.skip ?? (existsSync('/usr/bin/openssl') ? false : 'no openssl CLI');

/** Wall time stays fixed in the messages (so lines are byte-exact); timers are real. */
const FIXED_NOW = Date.UTC(2026, 4, 6, 7, 8, 9, 123);
const clock: Clock = { ...systemClock, now: () => FIXED_NOW };
const FORMAT: FormatOptions = {
  facility: 10,
  hostname: 'conformance',
  appName: 'palisade',
  procId: '4242',
  maxMessageBytes: 2048,
};

function event(i: number): SecurityEvent {
  return {
    type: 'sip.register',
    outcome: i % 3 === 0 ? 'success' : 'failure',
    actor: `user${i} "q" ]\\`,
    remoteAddress: '127.0.0.2',
    remotePort: 5060,
    method: 'REGISTER',
    tenantId: 'default',
  };
}

const expectedLine = (seq: number): string =>
  formatSecurityEvent(event(seq), seq, FIXED_NOW, FORMAT).line;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

/** A CA and a server certificate for 127.0.0.1 and localhost, made with the openssl CLI. */
function makeCertificates(dir: string): void {
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Test CA',
  ]);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(
    join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  run(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key'].concat([
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]),
  );
}

describe('rsyslog conformance', { skip }, () => {
  let dir = '';
  let tlsPort = 0;
  let udpPort = 0;
  let rsyslog: RunningPeer | undefined;
  const sinks: SyslogSink[] = [];

  async function startRsyslog(): Promise<void> {
    rsyslog = startPeer(
      rsyslogd.path!,
      ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')],
      { maxMs: 180_000 },
    );
    const peer = rsyslog;
    for (let i = 0; i < 200 && !(await portOpen(tlsPort)); i++) {
      if (peer.child.exitCode !== null) assert.fail(`rsyslogd exited:\n${peer.output()}`);
      await sleep(50);
    }
    assert.ok(await portOpen(tlsPort), `rsyslogd not listening:\n${peer.output()}`);
  }

  async function stopRsyslog(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await rsyslog?.stop(signal);
    rsyslog = undefined;
  }

  function sink(target: Partial<TlsTargetConfig>, withUdp: boolean, name: string): SyslogSink {
    const config: SyslogConfig = {
      ...defaultSyslogConfig,
      hostname: FORMAT.hostname,
      targets: [
        { kind: 'tls', host: '127.0.0.1', port: tlsPort, caFile: join(dir, 'ca.pem'), ...target },
        ...(withUdp ? [{ kind: 'udp' as const, host: '127.0.0.1', port: udpPort }] : []),
      ],
      queue: { ...defaultSyslogConfig.queue, fsyncIntervalMs: 20, resendWindow: 200 },
      reconnect: { initialDelayMs: 100, maxDelayMs: 400, connectTimeoutMs: 5_000 },
    };
    const s = createSyslogSink(config, {
      clock,
      logger: nullLogger,
      dataDir: join(dir, name),
      procId: FORMAT.procId,
    });
    sinks.push(s);
    return s;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-rsyslog-'));
    makeCertificates(dir);
    mkdirSync(join(dir, 'work'));
    tlsPort = await freeTcpPort();
    udpPort = await freeSipPort();
    writeFileSync(
      join(dir, 'rsyslog.conf'),
      `global(workDirectory="${dir}/work"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${dir}/ca.pem"
  defaultNetstreamDriverCertFile="${dir}/server.pem"
  defaultNetstreamDriverKeyFile="${dir}/server.key")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
module(load="imudp")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="tls") { action(type="omfile" file="${dir}/tls.log" template="raw") }
ruleset(name="udp") {
  action(type="omfile" file="${dir}/udp.log" template="raw")
  action(type="omfile" file="${dir}/udp-traditional.log" template="RSYSLOG_TraditionalFileFormat")
}
input(type="imtcp" port="${tlsPort}" address="127.0.0.1" ruleset="tls")
input(type="imudp" port="${udpPort}" address="127.0.0.1" ruleset="udp")
`,
    );
    await startRsyslog();
  });

  after(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    await stopRsyslog();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('TLS with a collector restart in the middle: no gap, duplicates marked resent', async (t) => {
    const s = sink({}, true, 'restart');
    const tlsLog = join(dir, 'tls.log');
    const seqsIn = (path: string): number[] =>
      readLines(path).map((l) => Number(/seq="(\d+)"/.exec(l)?.[1]));
    let n = 0;
    // Bursts, so that messages are in flight when the collector dies.
    const ticker = setInterval(() => {
      for (let i = 0; i < 5; i++) s.emit(event(++n));
    }, 10);
    try {
      await until('300 messages at rsyslog', () => seqsIn(tlsLog).length >= 300);
      const beforeStop = n;
      // Killed, not asked to stop: what it had read but not yet written is lost.
      await stopRsyslog('SIGKILL');
      // Events keep coming while the collector is down.
      await until('200 more events', () => n >= beforeStop + 200);
      assert.notEqual(s.stats().targets[0]?.state, 'connected');
      await startRsyslog();
      const afterStart = n;
      await until('150 more events', () => n >= afterStart + 150);
    } finally {
      clearInterval(ticker);
    }
    const total = n;
    await until(`seq ${total} at rsyslog`, () => seqsIn(tlsLog).includes(total));

    const seen = new Set<number>();
    let last = 0;
    let duplicates = 0;
    for (const line of readLines(tlsLog)) {
      const seq = Number(/seq="(\d+)"/.exec(line)?.[1]);
      const resent = line.includes(`seq="${seq}" resent="1"`);
      // Byte-exact through rsyslog, with or without the resent mark.
      const expected = expectedLine(seq);
      assert.equal(resent ? line.replace(' resent="1"', '') : line, expected);
      if (seen.has(seq)) {
        duplicates++;
        assert.ok(resent, `duplicate seq ${seq} not marked resent`);
      } else {
        assert.ok(seq > last, `seq ${seq} first arrived after ${last}`);
        seen.add(seq);
        last = seq;
      }
    }
    for (let seq = 1; seq <= total; seq++) assert.ok(seen.has(seq), `seq ${seq} lost`);
    const stats = s.stats().targets[0]!;
    t.diagnostic(`${total} events, ${duplicates} duplicates, ${stats.resent} resent`);
    assert.equal(stats.state, 'connected');
    assert.ok(stats.resent >= duplicates);
    // More than the window (200) went out before the kill: the oldest counted as
    // delivered and were not resent.
    assert.ok(!readLines(tlsLog).some((l) => l.includes(' seq="1" resent="1"')));

    // UDP has no guarantee, but on loopback while rsyslog was up nothing is lost.
    const udp = readLines(join(dir, 'udp.log'));
    assert.ok(udp.length >= 30);
    for (const line of udp) {
      const seq = Number(/seq="(\d+)"/.exec(line)?.[1]);
      assert.equal(line, expectedLine(seq));
    }
    const udpSeqs = udp.map((l) => Number(/seq="(\d+)"/.exec(l)?.[1]));
    for (let seq = 1; seq <= 30; seq++) assert.ok(udpSeqs.includes(seq), `UDP seq ${seq}`);
  });

  test('TLS refuses a certificate for another name or from an unknown CA', async () => {
    const wrongName = sink({ serverName: 'collector.example' }, false, 'wrong-name');
    const unknownCa = sink({ caFile: undefined }, false, 'unknown-ca');
    wrongName.emit(event(1));
    unknownCa.emit(event(1));
    await until('both refused', () =>
      [wrongName, unknownCa].every((s) => (s.stats().targets[0]?.errors ?? 0) > 0),
    );
    const nameError = wrongName.stats().targets[0]!;
    assert.match(nameError.lastError ?? '', /collector\.example|altnames/i);
    assert.notEqual(nameError.state, 'connected');
    const caError = unknownCa.stats().targets[0]!;
    assert.match(caError.lastError ?? '', /certificate/i);
    assert.notEqual(caError.state, 'connected');
    assert.equal(caError.queued, 1);
  });

  test(
    'fail2ban reads the traditional file output and takes the real address',
    { skip: fail2banRegex.skip ?? false },
    async () => {
      const s = createSyslogSink(
        {
          ...defaultSyslogConfig,
          hostname: FORMAT.hostname,
          targets: [{ kind: 'udp', host: '127.0.0.1', port: udpPort }],
        },
        { clock, logger: nullLogger, dataDir: join(dir, 'fail2ban'), procId: FORMAT.procId },
      );
      sinks.push(s);
      const log = join(dir, 'udp-traditional.log');
      const before = readLines(log).length;
      const from = { remoteAddress: '127.0.0.9', remotePort: 5060, method: 'REGISTER' };
      for (let i = 0; i < 5; i++)
        s.emit({
          type: 'sip.register',
          outcome: 'failure',
          actor: 'x" from 6.6.6.6 port 1',
          ...from,
        });
      s.emit({ type: 'auth.login', outcome: 'denied', actor: 'j\u00fcrgen', ...from });
      s.emit({ type: 'sip.register', outcome: 'success', actor: 'alice', ...from });
      await until('7 lines', () => readLines(log).length >= before + 7);
      const lines = readLines(log).slice(before);
      writeFileSync(join(dir, 'f2b.log'), `${lines.join('\n')}\n`);
      const filterDir = join(dir, 'filter.d');
      mkdirSync(filterDir);
      copyFileSync(fail2banFilter, join(filterDir, 'palisade.conf'));
      symlinkSync('/etc/fail2ban/filter.d/common.conf', join(filterDir, 'common.conf'));
      const out = execFileSync(
        fail2banRegex.path!,
        ['-v', join(dir, 'f2b.log'), join(filterDir, 'palisade.conf')],
        { encoding: 'utf8', timeout: 60_000 },
      );
      assert.match(out, /Lines: 7 lines, 0 ignored, 6 matched, 1 missed/, out);
      // With -v, fail2ban-regex lists each hit as `|      <address>  <date>`.
      const hits = [...out.matchAll(/^\|\s+(\S+)\s+\w{3} \w{3} /gm)].map((m) => m[1]);
      assert.deepEqual(hits, Array(6).fill('127.0.0.9'), out);
    },
  );
});
