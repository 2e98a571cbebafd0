/**
 * SIPp (`sip-tester`) against the registrar over UDP and TCP: digest
 * REGISTER for many users, un-registration, an expired nonce (stale=TRUE),
 * and wrong passwords and unknown users (a fresh 401, never anything that
 * tells them apart).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { freeSipPort } from '../../support/ports.ts';
import { startPeer } from '../../support/process.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';
import { sippAuth } from '../../support/sipp-auth.ts';

const FIXTURES = new URL('../../fixtures/sipp/', import.meta.url).pathname;
const USERS = 40;
const sipp = debianPeer('sip-tester', 'sipp');

let p: SipPalisade;
let devices: TestDevice[];
let work: string;

before(async () => {
  if (sipp.skip) return;
  // SIPp 3.6 answers only the first challenge and knows MD5 alone
  p = await startSipPalisade({
    PALISADE_SIP_NONCE_LIFETIME_SECONDS: '10',
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
  });
  devices = await addDevices(p, USERS);
  work = mkdtempSync(join(tmpdir(), 'palisade-sipp-'));
});

after(async () => {
  await p?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function csv(name: string, rows: readonly (readonly [string, string])[]): string {
  const file = join(work, name);
  writeFileSync(
    file,
    ['SEQUENTIAL', ...rows.map(([u, pw]) => `${u};${sippAuth(u, pw)}`)].join('\n') + '\n',
  );
  return file;
}

async function runSipp(opts: {
  scenario: string;
  transport: 'u1' | 't1';
  users: string;
  calls: number;
  keys?: Record<string, string>;
  extraArgs?: readonly string[];
  maxMs?: number;
}): Promise<{ code: number | null; output: string }> {
  const localPort = await freeSipPort();
  const errorFile = join(work, `${opts.scenario}-${opts.transport}-err.log`);
  const target = opts.transport === 'u1' ? p.udpPort : p.tcpPort;
  const keys = {
    dom: SIP_DOMAIN,
    ct_host: '127.0.0.1',
    // a fixed contact per transport, so a later run (un-register) names the same binding
    ct_port: opts.transport === 'u1' ? '5997' : '5998',
    expires: '300',
    ...opts.keys,
  };
  const args = [
    '-sf',
    join(FIXTURES, opts.scenario),
    '-inf',
    opts.users,
    '-t',
    opts.transport,
    '-i',
    '127.0.0.1',
    '-p',
    String(localPort),
    '-m',
    String(opts.calls),
    '-r',
    '20',
    '-l',
    '20',
    '-timeout',
    '60',
    '-timeout_error',
    '-recv_timeout',
    '5000',
    '-nostdin',
    '-auth_uri',
    SIP_DOMAIN,
    '-trace_err',
    '-error_file',
    errorFile,
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
    ...(opts.extraArgs ?? []),
    `127.0.0.1:${target}`,
  ];
  const peer = startPeer(sipp.path!, args, { cwd: work, maxMs: opts.maxMs ?? 90_000 });
  const code = await peer.exited();
  // what SIPp received instead of what the scenario expected, for the failure message
  const unexpected = existsSync(errorFile) ? readFileSync(errorFile, 'utf8').slice(0, 4000) : '';
  return { code, output: `${unexpected}\n${peer.output().slice(-3000)}` };
}

const skip = sipp.skip;

describe('SIPp REGISTER against the registrar', { skip }, () => {
  for (const transport of ['u1', 't1'] as const) {
    test(`registers ${USERS} users with digest over ${transport === 'u1' ? 'UDP' : 'TCP'}`, async () => {
      const users = csv(
        `users-${transport}.csv`,
        devices.map((d) => [d.sipUsername, d.secret]),
      );
      const r = await runSipp({ scenario: 'reg_uac.xml', transport, users, calls: USERS });
      assert.equal(r.code, 0, r.output);
      const live = await p.server.domain.registrations.list(
        { id: 'cli', tenantId: null, isSuperAdmin: true },
        { tenantId: p.server.domain.defaultTenant.id },
        { limit: 1000 },
      );
      const wanted = transport === 'u1' ? 'UDP' : 'TCP';
      assert.equal(live.filter((b) => b.transport === wanted).length, USERS);
      assert.ok(live.every((b) => b.userAgent === 'sipp-bench'));
    });
  }

  test('un-registers over UDP: the 200 no longer lists the contact and the UDP bindings are gone', async () => {
    const some = devices.slice(0, 10);
    const users = csv(
      'unreg.csv',
      some.map((d) => [d.sipUsername, d.secret]),
    );
    const r = await runSipp({
      scenario: 'unreg_uac.xml',
      transport: 'u1',
      users,
      calls: some.length,
    });
    assert.equal(r.code, 0, r.output);
    for (const d of some) {
      const udp = p.server.sip.location.bindingsOf(d.deviceId).filter((b) => b.transport === 'UDP');
      assert.deepEqual(udp, []);
    }
  });

  test('answers wrong passwords and unknown users with a fresh 401 (UDP and TCP)', async () => {
    const rows: [string, string][] = [
      ...devices.slice(0, 5).map((d): [string, string] => [d.sipUsername, `${d.secret}x`]),
      ['8999', 'whatever'],
      ['nobody', 'whatever'],
    ];
    for (const transport of ['u1', 't1'] as const) {
      const users = csv(`wrong-${transport}.csv`, rows);
      const r = await runSipp({
        scenario: 'wrong_password_uac.xml',
        transport,
        users,
        calls: rows.length,
      });
      assert.equal(r.code, 0, r.output);
    }
    const failures = p.events.filter((e) => e.type === 'sip.auth-failure');
    assert.ok(failures.length >= rows.length * 2, `only ${failures.length} auth failures reported`);
  });

  test('says stale=TRUE after the nonce lifetime and accepts the fresh nonce', async () => {
    const d = devices[USERS - 1]!;
    const users = csv('stale.csv', [[d.sipUsername, d.secret]]);
    const r = await runSipp({
      scenario: 'stale_nonce_uac.xml',
      transport: 'u1',
      users,
      calls: 1,
      // the default pause: past the 10 s nonce lifetime
      extraArgs: ['-d', '11000'],
    });
    assert.equal(r.code, 0, r.output);
  });
});
