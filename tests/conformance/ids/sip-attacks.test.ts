/**
 * Real SIP attacks from 127.0.0.2 against a Palisade on loopback, every
 * tool bounded in time and rate:
 * - SIPp REGISTER flood (-r 200 -m 2000) while a legitimate SIPp load from
 *   127.0.0.3 keeps at least 99 % success;
 * - wrong passwords for one device (SIPp, slowly, so only the digest rule
 *   can fire): banned after 10, further guesses get no answer;
 * - svcrack, svwar (with and without --force) and svmap, which announce
 *   themselves as scanners: dropped without an answer and banned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { freeSipPort } from '../../support/ports.ts';
import { startPeer } from '../../support/process.ts';
import { addDevices, SIP_DOMAIN, type TestDevice } from '../../support/sip-palisade.ts';
import {
  ATTACKER,
  LEGITIMATE,
  newDataDir,
  removeDataDir,
  startIdsPalisade,
} from './ids-fixtures.ts';
import type { IdsPalisade } from './ids-fixtures.ts';
import { sippAuth } from '../../support/sipp-auth.ts';

const FIXTURES = new URL('../../fixtures/sipp/', import.meta.url).pathname;
const sipp = debianPeer('sip-tester', 'sipp');
const svcrack = debianPeer('sipvicious', 'svcrack');
const svwar = debianPeer('sipvicious', 'svwar');
const svmap = debianPeer('sipvicious', 'svmap');
const skip = sipp.skip ?? svcrack.skip ?? svwar.skip ?? svmap.skip;

let p: IdsPalisade;
let dir: string;
let work: string;
let devices: TestDevice[];

before(async () => {
  if (skip) return;
  dir = newDataDir();
  // SIPp 3.6 answers only the first challenge and knows MD5 alone
  p = await startIdsPalisade(dir, {
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    // SIPp's INVITE digest-uri is sip:<server address>, not the Request-URI
    PALISADE_CALLS_DIGEST_URI: 'or-server',
  });
  devices = await addDevices({ server: p.server } as never, 40);
  work = mkdtempSync(join(tmpdir(), 'palisade-ids-sip-'));
});
after(async () => {
  await p?.stop();
  if (dir) removeDataDir(dir);
  if (work) rmSync(work, { recursive: true, force: true });
});

function csv(name: string, rows: readonly (readonly [string, string])[]): string {
  const file = join(work, name);
  const lines = rows.map(([u, pw]) => `${u};${sippAuth(u, pw)}`);
  writeFileSync(file, ['SEQUENTIAL', ...lines].join('\n') + '\n');
  return file;
}

async function runSipp(o: {
  from: string;
  scenario: string;
  users?: string;
  calls: number;
  rate: number;
  limit: number;
  maxMs: number;
  /** Digest-uri sip:pbx.test (REGISTER); false: SIPp's default, the server's address (INVITE). */
  domainAuthUri?: boolean;
}): Promise<{ code: number | null; output: string; successful: number; failed: number }> {
  const localPort = await freeSipPort();
  const args = [
    '-sf',
    join(FIXTURES, o.scenario),
    ...(o.users ? ['-inf', o.users] : []),
    '-t',
    'u1',
    '-i',
    o.from,
    '-p',
    String(localPort),
    '-m',
    String(o.calls),
    '-r',
    String(o.rate),
    '-l',
    String(o.limit),
    '-timeout',
    String(Math.floor(o.maxMs / 1000) - 5),
    '-recv_timeout',
    '2000',
    '-nostdin',
    ...(o.domainAuthUri === false ? [] : ['-auth_uri', SIP_DOMAIN]),
    '-key',
    'dom',
    SIP_DOMAIN,
    '-key',
    'ct_host',
    o.from,
    '-key',
    'ct_port',
    String(localPort),
    '-key',
    'expires',
    '300',
    `127.0.0.1:${p.udpPort}`,
  ];
  const peer = startPeer(sipp.path!, args, { cwd: work, maxMs: o.maxMs });
  const code = await peer.exited();
  const output = peer.output();
  const last = (label: string): number => {
    const rows = output.split('\n').filter((l) => l.includes(label));
    const nums = rows.at(-1)?.match(/\d+/g);
    return Number(nums?.at(-1) ?? 0);
  };
  return { code, output, successful: last('Successful call'), failed: last('Failed call') };
}

function authFailuresFrom(address: string): number {
  return p.events.filter((e) => e.type === 'sip.auth-failure' && e.remoteAddress === address)
    .length;
}

async function unbanAttacker(): Promise<void> {
  await p.server.ids?.bans.unban(ATTACKER, 'test').catch(() => undefined);
}

describe('SIP attacks from 127.0.0.2', { skip }, () => {
  test('a REGISTER flood (SIPp -r 200 -m 2000) is banned; the legitimate load keeps >= 99 % success', async () => {
    const users = csv(
      'legit.csv',
      devices.map((d) => [d.sipUsername, d.secret]),
    );
    const [flood, legit] = await Promise.all([
      runSipp({
        from: ATTACKER,
        scenario: 'flood_register_uac.xml',
        calls: 2000,
        rate: 200,
        limit: 200,
        maxMs: 40_000,
      }),
      runSipp({
        from: LEGITIMATE,
        scenario: 'reg_uac.xml',
        users,
        calls: 200,
        rate: 20,
        limit: 20,
        maxMs: 60_000,
      }),
    ]);
    assert.ok(p.server.ids?.bans.list.isBanned(ATTACKER), flood.output.slice(-2000));
    assert.equal(p.server.ids?.bans.list.isBanned(LEGITIMATE), false);
    const total = legit.successful + legit.failed;
    assert.ok(total >= 200, legit.output.slice(-3000));
    assert.ok(
      legit.successful / total >= 0.99,
      `${legit.successful} of ${total}\n${legit.output.slice(-3000)}`,
    );
    const [ban] = (await p.server.ids?.bans.active()) ?? [];
    assert.equal(ban?.rule, 'sip-flood');
    const dropped =
      p.server.ids?.metrics.get('palisade_ids_dropped_total', {
        service: 'sip',
        reason: 'banned',
      }) ?? 0;
    assert.ok(dropped > 1000, `only ${dropped} flood packets dropped`);
    await unbanAttacker();
  });

  test('wrong passwords for one device: banned after 10, further guesses get no answer', async () => {
    const d = devices[0]!;
    const before = authFailuresFrom(ATTACKER);
    const guesses = csv(
      'guess.csv',
      Array.from({ length: 14 }, (_, i) => [d.sipUsername, `guess${i}`] as const),
    );
    // two guesses a second: slower than the flood rule, so only the digest rule can fire
    const r = await runSipp({
      from: ATTACKER,
      scenario: 'wrong_password_uac.xml',
      users: guesses,
      calls: 14,
      rate: 2,
      limit: 1,
      maxMs: 60_000,
    });
    assert.equal(authFailuresFrom(ATTACKER) - before, 10, r.output.slice(-2000));
    assert.equal(r.successful, 10, r.output.slice(-2000));
    assert.equal(r.failed, 4, 'the guesses after the ban got no answer');
    const ban = (await p.server.ids?.bans.active())?.find((b) => b.address === ATTACKER);
    assert.equal(ban?.rule, 'sip-auth-user');
    assert.equal(ban?.offence, 2, 'a repeat offender after the flood ban');
    await unbanAttacker();
  });

  test('toll-fraud probing (INVITEs to missing and forbidden numbers) is banned after 10', async () => {
    const d = devices[2]!;
    const auth = sippAuth(d.sipUsername, d.secret);
    const file = join(work, 'probes.csv');
    // even: an extension nobody has (404); odd: international, beyond call:internal (403)
    const numbers = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0 ? `59${10 + i}` : `0044207946${10 + i}`,
    );
    writeFileSync(
      file,
      ['SEQUENTIAL', ...numbers.map((n) => `${d.sipUsername};${n};${auth}`)].join('\n') + '\n',
    );
    const probes = (): number =>
      p.server.ids?.detector.attempts.get(ATTACKER)?.byKind['bad-destination'] ?? 0;
    const before = probes();
    // one probe a second (4 requests each): slower than the flood rule
    const r = await runSipp({
      from: ATTACKER,
      scenario: 'toll_fraud_probe_uac.xml',
      users: file,
      calls: 12,
      rate: 1,
      limit: 1,
      maxMs: 60_000,
      domainAuthUri: false,
    });
    assert.equal(r.successful, 10, r.output.slice(-2000));
    assert.equal(r.failed, 2, 'the probes after the ban got no answer');
    assert.equal(probes() - before, 10);
    const cdrs = await p.server.domain.store.cdrs.list({
      tenantId: p.server.domain.defaultTenant.id,
    });
    const causes = cdrs.filter((c) => c.caller === d.extension).map((c) => c.hangupCause);
    assert.equal(causes.filter((c) => c === 'not_found').length, 5, causes.join());
    assert.equal(causes.filter((c) => c === 'forbidden').length, 5, causes.join());
    const ban = (await p.server.ids?.bans.active())?.find((b) => b.address === ATTACKER);
    assert.equal(ban?.rule, 'bad-destination');
    const report = p.server.ids?.detector.attempts.get(ATTACKER);
    assert.ok((report?.users[d.sipUsername] ?? 0) >= 10, JSON.stringify(report));
    assert.equal(
      p.events.filter((e) => e.type === 'ids.bad-destination' && e.remoteAddress === ATTACKER)
        .length,
      10,
      'every probe is a security event (syslog, fail2ban)',
    );
    await unbanAttacker();
  });

  async function scan(path: string, args: string[]): Promise<string> {
    const peer = startPeer(path, args, { env: { ...process.env, HOME: work }, maxMs: 60_000 });
    await peer.exited();
    return peer.output();
  }

  test('svcrack gets no answer at all and is banned as a scanner', async () => {
    const dict = join(work, 'dict.txt');
    writeFileSync(dict, Array.from({ length: 30 }, (_, i) => `pw${i}`).join('\n') + '\n');
    const failuresBefore = p.events.filter((e) => e.type === 'sip.auth-failure').length;
    // sipvicious 0.3's svcrack ignores -b and sends from 127.0.0.1:5060
    const out = await scan(svcrack.path!, [
      '-u',
      devices[1]!.sipUsername,
      '-d',
      dict,
      '-p',
      String(p.udpPort),
      '127.0.0.1',
    ]);
    assert.match(out, /no server response|found nothing/i, out);
    assert.equal(
      p.events.filter((e) => e.type === 'sip.auth-failure').length,
      failuresBefore,
      'no guess reached the registrar',
    );
    const ban = (await p.server.ids?.bans.active())?.find((b) => b.address === '127.0.0.1');
    assert.equal(ban?.rule, 'scanner', out);
    await p.server.ids?.bans.unban('127.0.0.1', 'test');
  });

  for (const force of [false, true])
    test(`svwar${force ? ' --force' : ''} finds no extension`, async () => {
      const out = await scan(svwar.path!, [
        ...(force ? ['--force'] : []),
        '-m',
        'REGISTER',
        '-e995-1005',
        '-b',
        ATTACKER,
        `udp://127.0.0.1:${p.udpPort}`,
      ]);
      for (const ext of ['1000', '1001', '1002'])
        assert.doesNotMatch(out, new RegExp(`\\|\\s*${ext}\\s*\\|`), out);
      assert.doesNotMatch(out, /reqauth|noauth/i, out);
      // the tool's first probe (from whichever address it really sends from) got it banned
      const ban = (await p.server.ids?.bans.active())?.find((b) => b.rule === 'scanner');
      assert.ok(ban, out);
      await p.server.ids?.bans.unban(ban.address, 'test');
    });

  test('svmap gets nothing from the scanner user agent', async () => {
    const out = await scan(svmap.path!, ['-b', ATTACKER, '-p', String(p.udpPort), '127.0.0.1']);
    assert.doesNotMatch(out, new RegExp(`127\\.0\\.0\\.1:${p.udpPort}`), out);
    assert.ok(p.server.ids?.bans.list.isBanned(ATTACKER));
    const ban = (await p.server.ids?.bans.active())?.find((b) => b.address === ATTACKER);
    assert.equal(ban?.rule, 'scanner');
  });
});
