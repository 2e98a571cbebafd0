/**
 * Two baresip phones calling each other through Palisade (PRODUCT §A6,
 * §B1): the callee registered and on auto-answer, the caller dialling its
 * extension (digest on the INVITE), both sending a sine tone (ausine); the
 * relay's counters prove audio both ways. Then the same with SDES-SRTP
 * mandatory on both phones (`mediaenc=srtp-mand`): the relay terminates
 * and re-keys SRTP per leg. MD5 only: baresip 1.0 does not answer a
 * SHA-256 challenge.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { freeSipPort } from '../../support/ports.ts';
import { startPeer, type RunningPeer } from '../../support/process.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';

const baresip = debianPeer('baresip', 'baresip');
let p: SipPalisade;
let devices: TestDevice[];
const dirs: string[] = [];
const peers: RunningPeer[] = [];

before(async () => {
  if (baresip.skip) return;
  p = await startSipPalisade({
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_MEDIA_RTP_PORT_MIN: '45000',
    PALISADE_MEDIA_RTP_PORT_MAX: '45999',
  });
  devices = await addDevices(p, 4, 2000);
});

after(async () => {
  for (const peer of peers) await peer.stop();
  await p?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function phone(
  device: TestDevice,
  opts: { register: boolean; srtp: boolean; args?: string[]; seconds: number },
): Promise<RunningPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-baresip-call-'));
  dirs.push(dir);
  const listen = await freeSipPort('127.0.0.1', 2);
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${listen}`,
      'net_interface 127.0.0.1',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module srtp.so',
      'module menu.so',
      'module_app account.so',
      `audio_source aufile,${join(dir, 'tone.wav')}`,
      `audio_player aufile,${join(dir, 'heard.wav')}`,
      `rtp_ports 46000-46999`,
      '',
    ].join('\n'),
  );
  const params = [
    `auth_pass=${device.secret}`,
    `outbound="sip:127.0.0.1:${p.udpPort};transport=udp"`,
    `regint=${opts.register ? 600 : 0}`,
    'answermode=auto',
    ...(opts.srtp ? ['mediaenc=srtp-mand'] : []),
  ];
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${device.sipUsername}@${SIP_DOMAIN};transport=udp>;${params.join(';')}\n`,
  );
  const tone = join(dir, 'tone.wav');
  writeFileSync(tone, sineWav(440, 8000, 10));
  const peer = startPeer(
    baresip.path!,
    ['-f', dir, '-t', String(opts.seconds), ...(opts.args ?? [])],
    {
      maxMs: (opts.seconds + 10) * 1000,
    },
  );
  peers.push(peer);
  return peer;
}

/** A mono 16-bit PCM WAV file holding a sine tone. */
function sineWav(hz: number, rate: number, seconds: number): Buffer {
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

async function until(
  what: string,
  ok: () => boolean,
  ms: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`${what}; baresip said:\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('baresip calls baresip through Palisade', { skip: baresip.skip }, () => {
  for (const [srtp, callerIndex, calleeIndex] of [
    [false, 0, 1],
    [true, 2, 3],
  ] as const) {
    test(srtp ? 'SDES-SRTP mandatory on both phones' : 'plain RTP', async () => {
      const caller = devices[callerIndex]!;
      const callee = devices[calleeIndex]!;
      const before = { ...p.server.sip.b2bua.mediaTotals };
      const answering = await phone(callee, { register: true, srtp, seconds: 25 });
      await until(
        'callee registration',
        () => p.server.sip.location.bindingsOf(callee.deviceId).length > 0,
        15_000,
        () => answering.output(),
      );
      // the caller dials at once and quits (hanging up) after 6 s
      const dialling = await phone(caller, {
        register: false,
        srtp,
        seconds: 6,
        args: ['-e', `/dial sip:${callee.extension}@${SIP_DOMAIN}`],
      });
      await dialling.exited();
      const totals = p.server.sip.b2bua.mediaTotals;
      await until(
        'the call ends',
        () => totals.calls > before.calls,
        10_000,
        () => dialling.output() + answering.output(),
      );
      const fromCaller = totals.packetsFromCallers - before.packetsFromCallers;
      const fromCallee = totals.packetsFromCallees - before.packetsFromCallees;
      // ≈50 packets/s each way for a few seconds of talk
      assert.ok(
        fromCaller > 100,
        `from the caller: ${fromCaller}\n${dialling.output().slice(-2000)}`,
      );
      assert.ok(
        fromCallee > 100,
        `from the callee: ${fromCallee}\n${answering.output().slice(-2000)}`,
      );
      const cdrs = await p.server.domain.store.cdrs.list({
        tenantId: p.server.domain.defaultTenant.id,
        userId: caller.userId,
      });
      assert.equal(cdrs.length, 1);
      assert.equal(cdrs[0]?.disposition, 'answered');
      assert.equal(cdrs[0]?.calleeDeviceId, callee.deviceId);
      await answering.stop();
    });
  }
});
