/**
 * Busy-lamp fields and presence subscriptions against SIPp (PRODUCT §E2,
 * RFC 6665 / 4235): a SIPp watcher subscribes with digest to the dialog
 * package of an extension and sees its lamp go idle → early → confirmed →
 * terminated while a SIPp caller rings a SIPp callee (which rings 3 s
 * before answering), then un-subscribes. One-shot SUBSCRIBEs show the
 * refusals: expiry bounds (423, shortened), another tenant's user (403,
 * though an extension of that number exists there), an unknown extension
 * (404), a user whose groups lack `presence` (403), an unknown package
 * (489), a wrong password (challenged again); and password guessing over
 * SUBSCRIBE gets the guesser banned, as over REGISTER.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { debianPeer } from '../../support/debian.ts';
import { startPeer } from '../../support/process.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig } from '../../support/sipp-calls.ts';

const sipp = debianPeer('sip-tester', 'sipp');
const SCENARIOS = new URL('../../fixtures/sipp/presence/', import.meta.url).pathname;
const OTHER_DOMAIN = 'other.test';

let p: SipPalisade;
let rig: SippCallRig;
let watcher: TestDevice;
let caller: TestDevice;
let callee: TestDevice;
let outsider: TestDevice;
let work: string;

/** `field0;field1;[authentication …]` for one SIPp run. */
function injection(name: string, from: TestDevice, target: string, password = from.secret) {
  const file = join(work, `${name}.csv`);
  writeFileSync(
    file,
    `SEQUENTIAL\n${from.sipUsername};${target};[authentication username=${from.sipUsername} password=${password}]\n`,
  );
  return file;
}

/** One SIPp subscriber run of a scenario in fixtures/sipp/presence (one "call", from a free port). */
function sippWatcher(
  scenario: string,
  csv: string,
  seconds: number,
  extra: readonly string[],
  run: { from?: string; calls?: number } = {},
) {
  return startPeer(
    sipp.path!,
    [
      '-sf',
      join(SCENARIOS, scenario),
      '-inf',
      csv,
      '-t',
      'u1',
      '-i',
      run.from ?? '127.0.0.1',
      '-p',
      '0',
      '-m',
      String(run.calls ?? 1),
      '-timeout',
      String(seconds),
      '-timeout_error',
      '-nostdin',
      '-key',
      'dom',
      SIP_DOMAIN,
      ...extra,
      `127.0.0.1:${p.udpPort}`,
    ],
    { cwd: work, maxMs: (seconds + 10) * 1000 },
  );
}

interface Exchange {
  readonly code: number | null;
  /** Every message SIPp received, in order. */
  readonly received: string[];
  readonly output: string;
}

/** One SUBSCRIBE (subscribe_once_uac.xml) and what came back. */
async function subscribeOnce(
  name: string,
  opts: {
    from?: TestDevice;
    target: string;
    domain?: string;
    event?: string;
    expires?: number;
    password?: string;
  },
): Promise<Exchange> {
  const from = opts.from ?? watcher;
  const trace = join(work, `${name}-messages.log`);
  const peer = sippWatcher(
    'subscribe_once_uac.xml',
    injection(name, from, opts.target, opts.password),
    20,
    [
      '-recv_timeout',
      '10000',
      '-key',
      'tdom',
      opts.domain ?? SIP_DOMAIN,
      '-key',
      'event',
      opts.event ?? 'dialog',
      '-key',
      'expires',
      String(opts.expires ?? 600),
      '-trace_msg',
      '-message_file',
      trace,
    ],
  );
  const code = await peer.exited();
  const log = existsSync(trace) ? readFileSync(trace, 'utf8') : '';
  const received = log
    .split(/^-{10,}.*$/m)
    .filter((block) => / message received/.test(block))
    .map((block) => block.replace(/^[\s\S]*? message received[^\n]*\n+/, ''));
  return { code, received, output: `${peer.output().slice(-2000)}\n${log.slice(-3000)}` };
}

const statusLine = (m: string | undefined) => /^SIP\/2\.0 (\d{3})/.exec(m ?? '')?.[1];
const header = (m: string | undefined, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(m ?? '')?.[1]?.trim();

before(async () => {
  if (sipp.skip) return;
  work = mkdtempSync(join(tmpdir(), 'palisade-sipp-presence-'));
  p = await startSipPalisade({
    // SIPp 3.6 answers only the first challenge and knows MD5 alone
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    // SIPp's digest-uri is sip:<server address>; SUBSCRIBE takes the same rule as INVITE
    PALISADE_CALLS_DIGEST_URI: 'or-server',
    PALISADE_MEDIA_RTP_PORT_MIN: '47000',
    PALISADE_MEDIA_RTP_PORT_MAX: '47999',
  });
  const devices = await addDevices(p, 4, 5000);
  [watcher, caller, callee, outsider] = devices as [TestDevice, TestDevice, TestDevice, TestDevice];
  const d = p.server.domain;
  // another tenant with a user of the very extension watched here
  const other = await d.tenants.create(CLI_ACTOR, { name: 'other', sipDomain: OTHER_DOMAIN });
  await d.users.create(CLI_ACTOR, {
    tenantId: other.id,
    username: 'twin',
    extension: callee.extension,
    displayName: 'Twin',
  });
  // the outsider is in no group that grants presence
  const users = await d.store.groups.findByName(d.defaultTenant.id, 'Users');
  await d.store.groups.removeMember(users!.id, outsider.userId);
  rig = await startSippCallRig(sipp.path!, p, [caller], [callee], {
    scenario: 'uas_call_ringing.xml',
    ringMs: 3000,
  });
});

after(async () => {
  await rig?.stop();
  await p?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('SIPp busy-lamp field (SUBSCRIBE dialog)', { skip: sipp.skip }, () => {
  test('the lamp follows a call to the extension: idle, early, confirmed, terminated; then un-SUBSCRIBE', async () => {
    const logFile = join(work, 'blf-logs.log');
    const blf = sippWatcher('blf_watch_uac.xml', injection('blf', watcher, callee.extension), 60, [
      '-trace_err',
      '-error_file',
      join(work, 'blf-errors.log'),
      '-trace_logs',
      '-log_file',
      logFile,
    ]);
    const logged = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    const deadline = Date.now() + 15_000;
    while (!logged().includes('watching')) {
      if (Date.now() > deadline || blf.child.exitCode !== null)
        assert.fail(`the watcher got no first NOTIFY:\n${blf.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(p.server.sip.notifier.size, 1);
    const call = await rig.placeCalls({ calls: 1, rate: 1, holdMs: 3000, maxMs: 30_000 });
    assert.equal(call.code, 0, call.output);
    const code = await blf.exited();
    const errors = existsSync(join(work, 'blf-errors.log'))
      ? readFileSync(join(work, 'blf-errors.log'), 'utf8')
      : '';
    assert.equal(code, 0, `${errors.slice(-3000)}\n${blf.output().slice(-2000)}`);
    assert.deepEqual(
      logged()
        .split('\n')
        .filter((l) => l !== ''),
      ['watching', 'early', 'confirmed', 'terminated', 'unsubscribed'],
    );
    assert.equal(p.server.sip.notifier.size, 0, 'the subscription is gone');
  });

  test('expiry bounds: below the minimum 423 with Min-Expires; above the maximum shortened', async () => {
    const brief = await subscribeOnce('brief', { target: callee.extension, expires: 10 });
    assert.equal(brief.code, 0, brief.output);
    assert.deepEqual(brief.received.map(statusLine), ['401', '423']);
    assert.equal(header(brief.received[1], 'Min-Expires'), '60');

    const long = await subscribeOnce('long', { target: callee.extension, expires: 100_000 });
    assert.equal(long.code, 0, long.output);
    // 401, 200, NOTIFY, then the un-SUBSCRIBE's 200 and the final NOTIFY
    assert.deepEqual(long.received.map(statusLine), ['401', '200', undefined, '200', undefined]);
    assert.equal(header(long.received[1], 'Expires'), '3600');
    assert.match(
      header(long.received[2], 'Subscription-State') ?? '',
      /^active;expires=(3600|359\d)$/,
    );
    assert.equal(header(long.received[4], 'Subscription-State'), 'terminated;reason=timeout');
    assert.equal(p.server.sip.notifier.size, 0);
  });

  test('another tenant’s user is refused (403) even where that extension exists', async () => {
    const other = await subscribeOnce('tenant', {
      target: callee.extension,
      domain: OTHER_DOMAIN,
    });
    assert.equal(other.code, 0, other.output);
    assert.deepEqual(other.received.map(statusLine), ['401', '403']);
    const missing = await subscribeOnce('missing', { target: '5999' });
    assert.deepEqual(missing.received.map(statusLine), ['401', '404']);
    assert.equal(p.server.sip.notifier.size, 0);
  });

  test('no presence permission: 403; unknown package: 489 with Allow-Events; wrong password: challenged again', async () => {
    const denied = await subscribeOnce('denied', { from: outsider, target: callee.extension });
    assert.deepEqual(denied.received.map(statusLine), ['401', '403']);
    const mwi = await subscribeOnce('mwi', { target: callee.extension, event: 'message-summary' });
    assert.deepEqual(mwi.received.map(statusLine), ['489']);
    assert.equal(header(mwi.received[0], 'Allow-Events'), 'dialog, presence');
    const wrong = await subscribeOnce('wrong', {
      target: callee.extension,
      password: 'not-the-secret-at-all',
    });
    assert.deepEqual(wrong.received.map(statusLine), ['401', '401']);
    assert.equal(p.server.sip.notifier.size, 0);
  });

  test('guessing a password over SUBSCRIBE is banned after 10, as over REGISTER', async () => {
    const attacker = '127.0.0.2';
    const failures = () =>
      p.events.filter(
        (e) =>
          e.type === 'sip.auth-failure' && e.method === 'SUBSCRIBE' && e.remoteAddress === attacker,
      ).length;
    // two guesses a second: slower than the flood rule, so only the digest rule can fire
    const guessing = sippWatcher(
      'subscribe_once_uac.xml',
      injection('guess', watcher, callee.extension, 'guess-again-and-again'),
      40,
      [
        '-r',
        '2',
        '-l',
        '1',
        '-recv_timeout',
        '2000',
        '-key',
        'tdom',
        SIP_DOMAIN,
        '-key',
        'event',
        'dialog',
        '-key',
        'expires',
        '600',
      ],
      { from: attacker, calls: 14 },
    );
    await guessing.exited();
    const ids = p.server.ids;
    assert.ok(ids, 'intrusion detection is on');
    assert.equal(failures(), 10, guessing.output().slice(-2000));
    const ban = (await ids.bans.active()).find((b) => b.address === attacker);
    assert.equal(ban?.rule, 'sip-auth-user');
    await ids.bans.unban(attacker, 'test');
  });
});
