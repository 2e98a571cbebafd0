/**
 * The built-in relay over real UDP sockets on loopback: two fake endpoints
 * exchange RTP through it; a third address sweeps its ports and must get
 * nothing back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { once } from 'node:events';
import { isPalisadeError } from '@palisade/common';
import { BuiltinMediaEngine } from './builtin-engine.ts';
import type { SessionEnded } from './media-engine.ts';
import { parseSdp } from '../sdp/sdp-parser.ts';
import { cryptoAttributes } from '../sdp/sdp-attributes.ts';
import { createSdesKey, sdesKeyMaterial } from '../srtp/sdes-keys.ts';
import { SrtpContext } from '../srtp/srtp-context.ts';
import type { SrtpSuiteName } from '../srtp/srtp-suites.ts';

let engine: BuiltinMediaEngine;
const open: Socket[] = [];

before(async () => {
  engine = await BuiltinMediaEngine.start({
    bindAddress: '127.0.0.1',
    portMin: 36000,
    portMax: 36999,
    workers: 2,
  });
});

after(async () => {
  for (const s of open) s.close();
  await engine.close();
});

class Endpoint {
  readonly socket: Socket;
  readonly received: Buffer[] = [];
  #waiters: (() => void)[] = [];

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      this.received.push(msg);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async bind(address = '127.0.0.1'): Promise<Endpoint> {
    const socket = createSocket('udp4');
    open.push(socket);
    socket.bind(0, address);
    await once(socket, 'listening');
    return new Endpoint(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: Buffer, port: number): void {
    this.socket.send(packet, port, '127.0.0.1');
  }

  /** Waits until `count` packets arrived, or fails after a generous bound. */
  async waitFor(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} packets, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

function sdp(
  port: number,
  opts: { proto?: string; crypto?: string[]; codecs?: string; rtcpPort?: number } = {},
): string {
  return [
    'v=0',
    'o=- 100 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} ${opts.proto ?? 'RTP/AVP'} ${opts.codecs ?? '0 8 101'}`,
    'a=rtpmap:101 telephone-event/8000',
    opts.rtcpPort === undefined ? 'a=rtcp-mux' : `a=rtcp:${opts.rtcpPort}`,
    ...(opts.crypto ?? []).map((c) => `a=crypto:${c}`),
    '',
  ].join('\r\n');
}

const relayPort = (text: string): number => parseSdp(text).media[0]!.port;

function rtp(seq: number, payload: string, ssrc = 0x0a0b0c0d): Buffer {
  const p = Buffer.alloc(12 + payload.length);
  p[0] = 0x80;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(ssrc, 8);
  p.write(payload, 12);
  return p;
}

test('plain RTP relays both ways; a sweep from another address gets nothing and is counted', async () => {
  const alice = await Endpoint.bind();
  const bob = await Endpoint.bind();
  const session = await engine.createSession('call-plain');
  const toBob = await session.offer('a', sdp(alice.port));
  const toAlice = await session.answer('b', sdp(bob.port));
  const relayForAlice = relayPort(toAlice);
  const relayForBob = relayPort(toBob);
  assert.notEqual(relayForAlice, relayForBob);
  assert.equal(relayForAlice % 2, 0);
  assert.match(toBob, /c=IN IP4 127\.0\.0\.1/);

  alice.send(rtp(1, 'from-alice'), relayForAlice);
  await bob.waitFor(1);
  assert.equal(bob.received[0]!.subarray(12).toString(), 'from-alice');
  bob.send(rtp(1, 'from-bob'), relayForBob);
  await alice.waitFor(1);
  assert.equal(alice.received[0]!.subarray(12).toString(), 'from-bob');

  // RTP bleed: another loopback address sweeps every relay port of the call.
  const reported = new Map<string, number>();
  const stopReports = engine.onWrongSource((r) =>
    reported.set(r.address, (reported.get(r.address) ?? 0) + r.packets),
  );
  const attacker = await Endpoint.bind('127.0.0.2');
  // Same address as Alice but another port, after latching: refused too.
  const impostor = await Endpoint.bind();
  let sent = 0;
  for (const port of [relayForAlice, relayForAlice + 1, relayForBob, relayForBob + 1]) {
    for (let i = 0; i < 3; i++) {
      attacker.send(rtp(100 + i, 'sweep'), port);
      sent++;
    }
  }
  impostor.send(rtp(5, 'impostor'), relayForAlice);
  // A legitimate packet after the sweep, to know the relay has handled it all.
  alice.send(rtp(2, 'after-sweep'), relayForAlice);
  await bob.waitFor(2);
  // Had the sweep re-latched a side, Bob's reply would go to the attacker.
  bob.send(rtp(2, 'bob-after-sweep'), relayForBob);
  await alice.waitFor(2);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(attacker.received.length, 0, 'the sweeping address received nothing');
  assert.deepEqual(
    bob.received.map((b) => b.subarray(12).toString()),
    ['from-alice', 'after-sweep'],
  );
  const stats = await session.stats();
  assert.equal(stats.a.droppedWrongSource + stats.b.droppedWrongSource, sent + 1);
  assert.equal(stats.a.packetsIn, 2);
  assert.equal(stats.b.packetsIn, 2);
  assert.equal(stats.b.packetsOut, 2);
  assert.equal(stats.a.packetsOut, 2);
  assert.equal(stats.a.bytesIn, 12 + 'from-alice'.length + 12 + 'after-sweep'.length);
  // the sweeper's address reaches the control side (batched once a second by the worker);
  // Alice's own address on another port is dropped but not reported
  const deadline = Date.now() + 5000;
  while ((reported.get('127.0.0.2') ?? 0) < sent && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  stopReports();
  assert.equal(reported.get('127.0.0.2'), sent);
  assert.equal(reported.get('127.0.0.1'), undefined);
  await session.delete();
});

test('the answerer sending before its answer is applied is dropped as early, never as a wrong source', async () => {
  const alice = await Endpoint.bind();
  const bob = await Endpoint.bind();
  const session = await engine.createSession('call-early');
  const reported: string[] = [];
  const stopReports = engine.onWrongSource((r) => reported.push(r.address));
  const toBob = await session.offer('a', sdp(alice.port));
  const relayForBob = relayPort(toBob);
  // Bob answers and starts talking at once: his first packets beat his answer to the relay.
  bob.send(rtp(1, 'early'), relayForBob);
  bob.send(rtp(2, 'early'), relayForBob);
  // a round trip to the worker, so both have been handled
  let stats = await session.stats();
  for (let i = 0; i < 50 && stats.b.droppedEarly < 2; i++) {
    await new Promise((r) => setTimeout(r, 20));
    stats = await session.stats();
  }
  assert.equal(stats.b.droppedEarly, 2);
  assert.equal(stats.b.droppedWrongSource, 0);
  assert.equal(stats.b.packetsIn, 0);
  const toAlice = await session.answer('b', sdp(bob.port));
  bob.send(rtp(3, 'answered'), relayForBob);
  await alice.waitFor(1);
  assert.equal(alice.received[0]!.subarray(12).toString(), 'answered');
  alice.send(rtp(1, 'hello'), relayPort(toAlice));
  await bob.waitFor(1);
  // the worker reports wrong sources once a second: give it the time to have told
  await new Promise((r) => setTimeout(r, 1_200));
  stopReports();
  assert.deepEqual(reported, []);
  stats = await session.stats();
  assert.equal(stats.a.droppedWrongSource + stats.b.droppedWrongSource, 0);
  await session.delete();
});

async function srtpCall(suiteA: SrtpSuiteName, transportB: 'RTP/AVP' | 'RTP/SAVP'): Promise<void> {
  const alice = await Endpoint.bind();
  const bob = await Endpoint.bind();
  const aliceKey = createSdesKey(suiteA, 1);
  const session = await engine.createSession(`call-${suiteA}-${transportB}`);
  const aliceLine = `1 ${suiteA} inline:${aliceKey.attribute.keyParams[0]!.keySalt}`;
  const toBob = await session.offer(
    'a',
    sdp(alice.port, { proto: 'RTP/SAVP', crypto: [aliceLine] }),
    {
      transport: transportB,
      srtpSuites: ['AEAD_AES_128_GCM'],
    },
  );
  let bobTx: SrtpContext | undefined;
  let bobRx: SrtpContext | undefined;
  let answer = sdp(bob.port);
  if (transportB === 'RTP/SAVP') {
    const offered = cryptoAttributes(parseSdp(toBob).media[0]!);
    assert.deepEqual(
      offered.map((c) => c.suite),
      ['AEAD_AES_128_GCM'],
    );
    bobRx = new SrtpContext(sdesKeyMaterial(offered[0]!));
    const bobKey = createSdesKey('AEAD_AES_128_GCM', offered[0]!.tag);
    bobTx = new SrtpContext(bobKey.key);
    answer = sdp(bob.port, {
      proto: 'RTP/SAVP',
      crypto: [
        `${offered[0]!.tag} AEAD_AES_128_GCM inline:${bobKey.attribute.keyParams[0]!.keySalt}`,
      ],
    });
  } else {
    assert.doesNotMatch(toBob, /a=crypto/);
    assert.match(toBob, /RTP\/AVP/);
  }
  const toAlice = await session.answer('b', answer);
  const [relayKey] = cryptoAttributes(parseSdp(toAlice).media[0]!);
  assert.equal(relayKey?.suite, suiteA);
  assert.equal(relayKey?.tag, 1);
  assert.match(toAlice, /m=audio \d+ RTP\/SAVP /);
  const aliceTx = new SrtpContext(aliceKey.key);
  const aliceRx = new SrtpContext(sdesKeyMaterial(relayKey));

  alice.send(aliceTx.protectRtp(rtp(7, 'secret-from-alice')), relayPort(toAlice));
  await bob.waitFor(1);
  const atBob = bobRx ? bobRx.unprotectRtp(bob.received[0]!) : bob.received[0]!;
  assert.ok(Buffer.isBuffer(atBob));
  assert.deepEqual(atBob, rtp(7, 'secret-from-alice'));

  const fromBob = rtp(9, 'reply-from-bob', 0x01020304);
  bob.send(bobTx ? bobTx.protectRtp(fromBob) : fromBob, relayPort(toBob));
  await alice.waitFor(1);
  assert.deepEqual(aliceRx.unprotectRtp(alice.received[0]!), fromBob);

  // A forged SRTP packet from Alice's own address is dropped, not relayed.
  const forged = aliceTx.protectRtp(rtp(8, 'forged-payload'));
  forged[14] = (forged[14] as number) ^ 0xff;
  alice.send(forged, relayPort(toAlice));
  alice.send(aliceTx.protectRtp(rtp(10, 'second')), relayPort(toAlice));
  await bob.waitFor(2);
  const second = bobRx ? bobRx.unprotectRtp(bob.received[1]!) : bob.received[1]!;
  assert.deepEqual(second, rtp(10, 'second'));
  const stats = await session.stats();
  assert.equal(stats.a.droppedSrtp, 1);
  await session.delete();
}

test('a host name in c= is never resolved: nothing is sent there until the peer latches', async () => {
  const alice = await Endpoint.bind();
  const bob = await Endpoint.bind();
  const session = await engine.createSession('call-hostname');
  // "localhost" is where Alice listens, had the relay looked it up
  const aliceSdp = sdp(alice.port).replace('c=IN IP4 127.0.0.1', 'c=IN IP4 localhost');
  const toBob = await session.offer('a', aliceSdp, { signallingAddress: '127.0.0.1' });
  const toAlice = await session.answer('b', sdp(bob.port));
  bob.send(rtp(1, 'before-latch'), relayPort(toBob));
  let stats = await session.stats();
  for (let i = 0; i < 50 && stats.b.packetsIn < 1; i++) {
    await new Promise((r) => setTimeout(r, 20));
    stats = await session.stats();
  }
  assert.equal(stats.b.packetsIn, 1);
  assert.equal(stats.a.packetsOut, 0);
  // Alice talks from her signalling address: latched, and media flows to her
  alice.send(rtp(1, 'from-alice'), relayPort(toAlice));
  await bob.waitFor(1);
  bob.send(rtp(2, 'after-latch'), relayPort(toBob));
  await alice.waitFor(1);
  assert.deepEqual(
    alice.received.map((b) => b.subarray(12).toString()),
    ['after-latch'],
  );
  await session.delete();
});

test('SDES-SRTP on one leg, plain RTP on the other: payload intact both ways', () =>
  srtpCall('AES_CM_128_HMAC_SHA1_80', 'RTP/AVP'));

test('SDES AES-CM on one leg, AEAD_AES_128_GCM on the other', () =>
  srtpCall('AES_CM_128_HMAC_SHA1_80', 'RTP/SAVP'));

test('RTCP: separate port on one leg, rtcp-mux on the other, SRTCP decrypted on the way', async () => {
  const alice = await Endpoint.bind();
  const aliceRtcp = await Endpoint.bind();
  const bob = await Endpoint.bind();
  const aliceKey = createSdesKey('AES_CM_128_HMAC_SHA1_80', 1);
  const session = await engine.createSession('call-rtcp');
  const offer = sdp(alice.port, {
    proto: 'RTP/SAVP',
    rtcpPort: aliceRtcp.port,
    crypto: [`1 AES_CM_128_HMAC_SHA1_80 inline:${aliceKey.attribute.keyParams[0]!.keySalt}`],
  });
  const toBob = await session.offer('a', offer, { transport: 'RTP/AVP' });
  const toAlice = await session.answer('b', sdp(bob.port));
  assert.doesNotMatch(toAlice, /a=rtcp-mux/, 'Alice did not offer rtcp-mux');
  const aliceTx = new SrtpContext(aliceKey.key);
  const aliceRx = new SrtpContext(
    sdesKeyMaterial(cryptoAttributes(parseSdp(toAlice).media[0]!)[0]!),
  );
  const report = Buffer.from('81c90007' + '0a0b0c0d' + '11'.repeat(24), 'hex');
  aliceRtcp.send(aliceTx.protectRtcp(report), relayPort(toAlice) + 1);
  await bob.waitFor(1);
  assert.deepEqual(bob.received[0], report, 'plain RTCP arrives on the muxed RTP port');
  const bobReport = Buffer.from('81c80006' + '01020304' + '22'.repeat(20), 'hex');
  bob.send(bobReport, relayPort(toBob));
  await aliceRtcp.waitFor(1);
  assert.deepEqual(aliceRx.unprotectRtcp(aliceRtcp.received[0]!), bobReport);
  assert.equal(alice.received.length, 0, 'RTCP goes to the RTCP port, not the RTP port');
  await session.delete();
});

test('SDES passthrough: both legs keep their own keys end to end', async () => {
  const alice = await Endpoint.bind();
  const bob = await Endpoint.bind();
  const aliceKey = createSdesKey('AES_CM_128_HMAC_SHA1_80', 1);
  const bobKey = createSdesKey('AES_CM_128_HMAC_SHA1_80', 1);
  const line = (k: typeof aliceKey): string =>
    `1 AES_CM_128_HMAC_SHA1_80 inline:${k.attribute.keyParams[0]!.keySalt}`;
  const session = await engine.createSession('call-passthrough');
  const toBob = await session.offer(
    'a',
    sdp(alice.port, {
      proto: 'RTP/SAVP',
      crypto: [line(aliceKey), '2 NULL_HMAC_SHA1_80 inline:AAAA'],
    }),
    { sdesPassthrough: true },
  );
  assert.deepEqual(
    cryptoAttributes(parseSdp(toBob).media[0]!).map((c) => c.suite),
    ['AES_CM_128_HMAC_SHA1_80'],
    'only acceptable suites travel on',
  );
  const toAlice = await session.answer(
    'b',
    sdp(bob.port, { proto: 'RTP/SAVP', crypto: [line(bobKey)] }),
  );
  assert.equal(
    cryptoAttributes(parseSdp(toAlice).media[0]!)[0]?.keyParams[0]?.keySalt,
    bobKey.attribute.keyParams[0]!.keySalt,
  );
  const fromAlice = new SrtpContext(aliceKey.key).protectRtp(rtp(3, 'end-to-end'));
  alice.send(fromAlice, relayPort(toAlice));
  await bob.waitFor(1);
  assert.deepEqual(bob.received[0], fromAlice, 'forwarded untouched');
  assert.deepEqual(
    new SrtpContext(aliceKey.key).unprotectRtp(bob.received[0]),
    rtp(3, 'end-to-end'),
  );
  const fromBob = new SrtpContext(bobKey.key).protectRtp(rtp(4, 'back'));
  bob.send(fromBob, relayPort(toBob));
  await alice.waitFor(1);
  assert.deepEqual(new SrtpContext(bobKey.key).unprotectRtp(alice.received[0]!), rtp(4, 'back'));
  await session.delete();
});

test('ports are freed after delete and can be bound again', async () => {
  const before = engine.freePortPairs;
  const session = await engine.createSession('call-free');
  const alice = await Endpoint.bind();
  const toBob = await session.offer('a', sdp(alice.port));
  assert.equal(engine.freePortPairs, before - 2);
  const port = relayPort(toBob);
  await session.delete();
  await session.delete(); // idempotent
  assert.equal(engine.freePortPairs, before);
  const probe = createSocket('udp4');
  probe.bind(port, '127.0.0.1');
  await once(probe, 'listening');
  probe.close();
  await assert.rejects(session.offer('a', sdp(alice.port)), (e: unknown) =>
    isPalisadeError(e, 'not_found'),
  );
});

test('delete during an offer in flight frees everything', async () => {
  const before = engine.freePortPairs;
  const session = await engine.createSession('call-race');
  const offer = session.offer('a', sdp(4000));
  await session.delete();
  await offer.then(
    () => undefined,
    () => undefined,
  );
  assert.equal(engine.freePortPairs, before);
});

test('no common codec is a 488, DTLS without ICE is refused, and neither allocates ports', async () => {
  const before = engine.freePortPairs;
  const session = await engine.createSession('call-488');
  await assert.rejects(
    session.offer('a', sdp(4000, { codecs: '18' })),
    (e: unknown) => isPalisadeError(e, 'unsupported_media') && e.sipStatus === 488,
  );
  await assert.rejects(
    session.offer('a', sdp(4000, { proto: 'UDP/TLS/RTP/SAVPF' })),
    (e: unknown) => isPalisadeError(e, 'unsupported_media'),
  );
  await assert.rejects(
    session.offer(
      'a',
      sdp(4000, { proto: 'RTP/SAVP', crypto: ['1 NULL_HMAC_SHA1_80 inline:AAAA'] }),
    ),
    (e: unknown) => isPalisadeError(e, 'unsupported_media'),
  );
  await assert.rejects(session.offer('a', 'v=0\r\n'), (e: unknown) =>
    isPalisadeError(e, 'bad_request'),
  );
  await assert.rejects(session.answer('b', sdp(4000)), (e: unknown) =>
    isPalisadeError(e, 'conflict'),
  );
  assert.equal(engine.freePortPairs, before);
  await session.delete();
});

test('a call whose media stops is ended by the media timeout and its ports freed', async () => {
  const short = await BuiltinMediaEngine.start({
    bindAddress: '127.0.0.1',
    portMin: 37000,
    portMax: 37099,
    workers: 1,
    mediaTimeoutMs: 300,
  });
  try {
    const ended: SessionEnded[] = [];
    short.onSessionEnded((e) => ended.push(e));
    const free = short.freePortPairs;
    const alice = await Endpoint.bind();
    const bob = await Endpoint.bind();
    const session = await short.createSession('call-timeout');
    const toBob = await session.offer('a', sdp(alice.port));
    const toAlice = await session.answer('b', sdp(bob.port));
    alice.send(rtp(1, 'x'), relayPort(toAlice));
    await bob.waitFor(1);
    assert.equal(short.freePortPairs, free - 2);
    const deadline = Date.now() + 10_000;
    while (ended.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ended, [{ callId: 'call-timeout', reason: 'timeout' }]);
    assert.equal(short.freePortPairs, free);
    assert.equal(short.sessionCount, 0);
    void toBob;
  } finally {
    await short.close();
  }
});

test('configuration is validated', async () => {
  await assert.rejects(
    BuiltinMediaEngine.start({ bindAddress: 'localhost', portMin: 30000, portMax: 30010 }),
    (e: unknown) => isPalisadeError(e, 'config_invalid'),
  );
  await assert.rejects(
    BuiltinMediaEngine.start({ bindAddress: '127.0.0.1', portMin: 30000, portMax: 30000 }),
    (e: unknown) => isPalisadeError(e, 'config_invalid'),
  );
});
