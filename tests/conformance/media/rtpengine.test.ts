/**
 * The rtpengine engine against a real rtpengine (Debian rtpengine-daemon,
 * userspace only, loopback, its own ports): RTP both ways through it, a
 * sweep from another loopback address gets nothing, SDES on one leg.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { once } from 'node:events';
import type { SessionEnded } from '@palisade/media';
import {
  RtpengineMediaEngine,
  SrtpContext,
  createSdesKey,
  cryptoAttributes,
  parseSdp,
  sdesKeyMaterial,
} from '@palisade/media';
import { isPalisadeError } from '@palisade/common';
import { debianPeer } from '../../support/debian.ts';
import { startPeer } from '../../support/process.ts';
import type { RunningPeer } from '../../support/process.ts';
import { freeSipPort } from '../../support/ports.ts';

const peer = debianPeer('rtpengine-daemon', 'rtpengine');
let daemon: RunningPeer | undefined;
let engine: RtpengineMediaEngine | undefined;
let engineNode: { host: string; port: number } | undefined;
const sockets: Socket[] = [];

before(async () => {
  if (peer.path === undefined) return;
  const ng = await freeSipPort();
  daemon = startPeer(
    peer.path,
    [
      '--config-file=none',
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ng}`,
      '--port-min=38000',
      '--port-max=38199',
      '--table=-1',
      '--num-threads=1',
      '--timeout=3',
      '--delete-delay=0',
      // Without this, "delayed" learning lets any source take a stream over
      // during its first seconds, strict-source or not (docs/media.md).
      '--endpoint-learning=immediate',
      '--log-level=5',
      '--log-stderr',
      '--foreground',
    ],
    { maxMs: 120_000 },
  );
  // Ready when the ng port answers a ping.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      engineNode = { host: '127.0.0.1', port: ng };
      engine = await RtpengineMediaEngine.start({
        nodes: [engineNode],
        timeoutMs: 300,
        attempts: 1,
      });
      break;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`rtpengine did not start: ${daemon.output().slice(-2000)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
});

after(async () => {
  for (const s of sockets) s.close();
  await engine?.close();
  await daemon?.stop();
});

async function endpoint(
  address = '127.0.0.1',
): Promise<{ socket: Socket; port: number; got: Buffer[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const got: Buffer[] = [];
  socket.on('message', (m) => got.push(m));
  socket.bind(0, address);
  await once(socket, 'listening');
  return { socket, port: socket.address().port, got };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sdp = (port: number, proto = 'RTP/AVP', crypto: string[] = [], mux = false): string =>
  [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} ${proto} 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    ...(mux ? ['a=rtcp-mux'] : []),
    ...crypto.map((c) => `a=crypto:${c}`),
    '',
  ].join('\r\n');

function rtp(seq: number, text: string): Buffer {
  const p = Buffer.alloc(12 + text.length);
  p[0] = 0x80;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(0x5a5a0001, 8);
  p.write(text, 12);
  return p;
}

test(
  'plain RTP through rtpengine; a sweep of the RTP ports from 127.0.0.2 gets nothing',
  { skip: peer.skip },
  async () => {
    const alice = await endpoint();
    const bob = await endpoint();
    const session = await engine!.createSession('rtpe-plain');
    const toBob = await session.offer('a', sdp(alice.port));
    const toAlice = await session.answer('b', sdp(bob.port));
    const forAlice = parseSdp(toAlice).media[0]!.port;
    const forBob = parseSdp(toBob).media[0]!.port;
    for (let i = 0; i < 3; i++) alice.socket.send(rtp(i, 'hello-bob'), forAlice, '127.0.0.1');
    await until(() => bob.got.length > 0, 'RTP at Bob');
    assert.equal(bob.got[0]!.subarray(12).toString(), 'hello-bob');
    for (let i = 0; i < 3; i++) bob.socket.send(rtp(i, 'hello-alice'), forBob, '127.0.0.1');
    await until(() => alice.got.length > 0, 'RTP at Alice');

    const attacker = await endpoint('127.0.0.2');
    for (const port of [forAlice, forBob])
      for (let i = 0; i < 3; i++) attacker.socket.send(rtp(100 + i, 'sweep'), port, '127.0.0.1');
    bob.socket.send(rtp(10, 'after-sweep'), forBob, '127.0.0.1');
    await until(
      () => alice.got.some((p) => p.subarray(12).toString() === 'after-sweep'),
      'post-sweep RTP',
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(attacker.got.length, 0);
    assert.ok(!bob.got.some((p) => p.subarray(12).toString() === 'sweep'), 'sweep not relayed');
    const stats = await session.stats();
    assert.ok(stats.a.packetsIn >= 3, JSON.stringify(stats));
    await session.delete();
    await assert.rejects(session.stats(), (e: unknown) => isPalisadeError(e, 'not_found'));
  },
);

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] as const) {
  test(
    `SDES ${suite} leg to plain leg through rtpengine: our SRTP and SRTCP interoperate`,
    { skip: peer.skip },
    async () => {
      const alice = await endpoint();
      const bob = await endpoint();
      const key = createSdesKey(suite, 1);
      const session = await engine!.createSession(`rtpe-sdes-${suite}`);
      const toBob = await session.offer(
        'a',
        sdp(
          alice.port,
          'RTP/SAVP',
          [`1 ${suite} inline:${key.attribute.keyParams[0]!.keySalt}`],
          true,
        ),
        { transport: 'RTP/AVP' },
      );
      assert.doesNotMatch(toBob, /a=crypto/);
      const toAlice = await session.answer('b', sdp(bob.port, 'RTP/AVP', [], true));
      const [relayCrypto, ...more] = cryptoAttributes(parseSdp(toAlice).media[0]!);
      assert.equal(more.length, 0, toAlice);
      assert.equal(relayCrypto?.suite, suite);
      const tx = new SrtpContext(key.key);
      const rx = new SrtpContext(sdesKeyMaterial(relayCrypto));
      const forAlice = parseSdp(toAlice).media[0]!.port;
      const forBob = parseSdp(toBob).media[0]!.port;
      for (let i = 1; i <= 3; i++)
        alice.socket.send(tx.protectRtp(rtp(i, 'secret')), forAlice, '127.0.0.1');
      await until(() => bob.got.length > 0, 'decrypted RTP at Bob');
      assert.equal(bob.got[0]!.subarray(12).toString(), 'secret');
      for (let i = 1; i <= 3; i++) bob.socket.send(rtp(i, 'reply'), forBob, '127.0.0.1');
      await until(() => alice.got.length > 0, 'SRTP at Alice');
      const plain = rx.unprotectRtp(alice.got[0]!);
      assert.ok(Buffer.isBuffer(plain), String(plain));
      assert.equal(plain.subarray(12).toString(), 'reply');

      // RTCP both ways on the muxed ports: SRTCP from us, SRTCP from rtpengine.
      const report = Buffer.from('81c90007' + '5a5a0001' + '11'.repeat(24), 'hex');
      alice.socket.send(tx.protectRtcp(report), forAlice, '127.0.0.1');
      await until(() => bob.got.some((p) => p[1] === 0xc9), 'RTCP at Bob');
      assert.deepEqual(bob.got.find((p) => p[1] === 0xc9)!.subarray(0, 8), report.subarray(0, 8));
      const fromBob = Buffer.from('81c90007' + '01020304' + '22'.repeat(24), 'hex');
      bob.socket.send(fromBob, forBob, '127.0.0.1');
      await until(() => alice.got.some((p) => p[1] === 0xc9), 'SRTCP at Alice');
      const rtcp = rx.unprotectRtcp(alice.got.find((p) => p[1] === 0xc9)!);
      assert.ok(Buffer.isBuffer(rtcp), String(rtcp));
      assert.deepEqual(rtcp.subarray(0, 8), fromBob.subarray(0, 8));
      await session.delete();
    },
  );
}

test(
  'towards an SRTP leg rtpengine offers only the suites we allow',
  { skip: peer.skip },
  async () => {
    const alice = await endpoint();
    const session = await engine!.createSession('rtpe-offer-srtp');
    const out = await session.offer('a', sdp(alice.port), { transport: 'RTP/SAVP' });
    const suites = cryptoAttributes(parseSdp(out).media[0]!).map((c) => c.suite);
    assert.ok(suites.length > 0);
    assert.ok(
      suites.every((s) => s === 'AES_CM_128_HMAC_SHA1_80' || s === 'AEAD_AES_128_GCM'),
      suites.join(),
    );
    await session.delete();
  },
);

test('a call rtpengine times out ends here too', { skip: peer.skip }, async () => {
  const watcher = await RtpengineMediaEngine.start({ nodes: [engineNode!], pollMs: 200 });
  try {
    const ended: SessionEnded[] = [];
    watcher.onSessionEnded((e) => ended.push(e));
    const alice = await endpoint();
    const bob = await endpoint();
    const session = await watcher.createSession('rtpe-timeout');
    await session.offer('a', sdp(alice.port));
    const toAlice = await session.answer('b', sdp(bob.port));
    alice.socket.send(rtp(1, 'x'), parseSdp(toAlice).media[0]!.port, '127.0.0.1');
    await until(() => bob.got.length > 0, 'RTP at Bob');
    // rtpengine runs with --timeout=3: silence ends the call within seconds.
    const deadline = Date.now() + 15_000;
    while (ended.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(ended, [{ callId: 'rtpe-timeout', reason: 'timeout' }]);
    await assert.rejects(session.stats(), (e: unknown) => isPalisadeError(e, 'not_found'));
  } finally {
    await watcher.close();
  }
});

test(
  'rtpengine (the peer) still learns an RTCP port not yet latched from any address: the gap docs/media.md warns of',
  { skip: peer.skip },
  async (t) => {
    const alice = await endpoint();
    const bob = await endpoint();
    const session = await engine!.createSession('rtpe-rtcp-bleed');
    const toBob = await session.offer('a', sdp(alice.port));
    const toAlice = await session.answer('b', sdp(bob.port));
    const forAlice = parseSdp(toAlice).media[0]!.port;
    const forBob = parseSdp(toBob).media[0]!.port;
    const attacker = await endpoint('127.0.0.2');
    const report = Buffer.from('81c90007' + '0a0b0c0d' + '11'.repeat(24), 'hex');
    attacker.socket.send(report, forAlice + 1, '127.0.0.1');
    attacker.socket.send(report, forBob + 1, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    await session.delete();
    // A measurement of the peer, not of Palisade (the built-in engine's own
    // sweep tests expect nothing back). When a newer rtpengine closes the
    // gap this fails: then docs/media.md's warning goes and this test with it.
    t.diagnostic(`the attacker got ${String(attacker.got.length)} RTCP packet(s) relayed`);
    assert.ok(attacker.got.length > 0, 'rtpengine no longer learns from any address');
  },
);
