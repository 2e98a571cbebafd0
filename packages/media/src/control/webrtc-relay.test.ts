/**
 * WebRTC legs through the built-in relay: werift's RTCPeerConnection in this
 * process plays the browser (full ICE, DTLS-SRTP), a plain UDP socket plays
 * the RTP phone. Audio must flow both ways; a wrong fingerprint must end the
 * call; a third party on 127.0.0.2 must get nothing and change nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { isPalisadeError, nullLogger } from '@palisade/common';
import type { LogFields } from '@palisade/common';
import { BuiltinMediaEngine } from './builtin-engine.ts';
import type { SessionEnded } from './media-engine.ts';
import { parseSdp } from '../sdp/sdp-parser.ts';
import { StunAttr, StunType, encodeStun } from '../webrtc/stun-message.ts';

let engine: BuiltinMediaEngine;
const ended: SessionEnded[] = [];
const warnings: { msg: string; fields?: LogFields }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  engine = await BuiltinMediaEngine.start({
    bindAddress: '127.0.0.1',
    portMin: 37000,
    portMax: 37999,
    workers: 1,
    logger: {
      ...nullLogger,
      warn: (msg: string, fields?: LogFields) =>
        warnings.push({ msg, ...(fields ? { fields } : {}) }),
    },
  });
  engine.onSessionEnded((e) => ended.push(e));
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  await engine.close();
});

async function until(what: string | (() => string), ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plain RTP phone: one socket, counts what it gets, can send PCMU frames. */
async function phone(address = '127.0.0.1'): Promise<{
  socket: Socket;
  port: number;
  received: Buffer[];
  sdp: () => string;
}> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  socket.bind(0, address);
  await once(socket, 'listening');
  cleanups.push(() => {
    socket.close();
  });
  const port = socket.address().port;
  const sdp = (): string =>
    [
      'v=0',
      `o=- 7 1 IN IP4 ${address}`,
      's=-',
      `c=IN IP4 ${address}`,
      't=0 0',
      `m=audio ${String(port)} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=rtcp-mux',
      'a=sendrecv',
      '',
    ].join('\r\n');
  return { socket, port, received, sdp };
}

const PHONE_SSRC = 0x11223344;
/** RTP sequence numbers are never reused (SRTP would refuse a replay). */
let nextSeq = 1;

function rtp(seq: number, ssrc = PHONE_SSRC): Buffer {
  const p = Buffer.alloc(12 + 160, 0xff);
  p[0] = 0x80;
  p[1] = 0;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(ssrc, 8);
  return p;
}

/** The browser leg: werift with PCMU only, loopback candidates only. */
function browser(): {
  pc: RTCPeerConnection;
  track: MediaStreamTrack;
  received: number[];
} {
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/PCMU',
          clockRate: 8000,
          channels: 1,
          payloadType: 0,
        }),
      ],
    },
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  cleanups.push(() => pc.close());
  const track = new MediaStreamTrack({ kind: 'audio' });
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  const received: number[] = [];
  transceiver.onTrack.subscribe((remote) => {
    remote.onReceiveRtp.subscribe((packet) => received.push(packet.header.sequenceNumber));
  });
  return { pc, track, received };
}

/**
 * werift routes received RTP only by an SSRC signalled in SDP (Chromium also
 * plays an unsignalled one), so the test tells it the phone's SSRC.
 */
function withPhoneSsrc(sdp: string): string {
  return sdp.replace(
    'a=rtcp-mux\r\n',
    `a=rtcp-mux\r\na=ssrc:${String(PHONE_SSRC)} cname:phone\r\n`,
  );
}

async function browserOffer(pc: RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  // Not trickled: wait until werift has its candidates in the description.
  await until('ICE gathering', () => pc.iceGatheringState === 'complete', 10_000);
  return pc.localDescription?.sdp ?? '';
}

/** Pumps audio from both ends until each has heard `count` packets. */
async function talk(
  b: ReturnType<typeof browser>,
  p: Awaited<ReturnType<typeof phone>>,
  relayForPhone: number,
  count = 20,
): Promise<void> {
  const timer = setInterval(() => {
    const seq = ++nextSeq;
    b.track.writeRtp(rtp(seq, 0x55667788));
    p.socket.send(rtp(seq), relayForPhone, '127.0.0.1');
  }, 20);
  try {
    await until(
      () =>
        `audio both ways (browser heard ${String(b.received.length)}, phone ${String(p.received.length)}, ${b.pc.connectionState})`,
      () => b.received.length >= count && p.received.length >= count,
    );
  } finally {
    clearInterval(timer);
  }
}

test('browser offers (actpass), plain phone answers: SDP for each side, audio both ways, third party gets nothing', async () => {
  const b = browser();
  const p = await phone();
  const thief = await phone('127.0.0.2');
  const session = await engine.createSession('webrtc-offer');
  const offer = await browserOffer(b.pc);
  const toPhone = await session.offer('a', offer, { transport: 'RTP/AVP' });
  // Nothing WebRTC-only reaches the plain phone.
  assert.match(toPhone, /m=audio \d+ RTP\/AVP 0/);
  for (const gone of ['ice-ufrag', 'fingerprint', 'setup', 'candidate', 'mid', 'group', 'ssrc'])
    assert.doesNotMatch(toPhone, new RegExp(`a=${gone}`));
  const toBrowser = await session.answer('b', p.sdp());
  assert.match(toBrowser, /m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0/);
  assert.match(toBrowser, /a=ice-lite/);
  assert.match(toBrowser, /a=group:BUNDLE 0/);
  assert.match(toBrowser, /a=setup:passive/);
  assert.match(toBrowser, /a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  assert.match(toBrowser, /a=candidate:1 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
  assert.match(toBrowser, /a=rtcp-mux/);
  await b.pc.setRemoteDescription({ type: 'answer', sdp: withPhoneSsrc(toBrowser) });
  const relayForPhone = parseSdp(toPhone).media[0]!.port;
  const relayForBrowser = parseSdp(toBrowser).media[0]!.port;

  await talk(b, p, relayForPhone);
  // What the phone got is plain RTP (decrypted by the relay).
  assert.equal(p.received[0]![0]! >> 6, 2);
  assert.equal(p.received[0]!.length, 12 + 160);

  // A third party: a STUN check with a guessed password, DTLS, RTP.
  const tid = randomBytes(12);
  const guess = encodeStun(
    StunType.bindingRequest,
    tid,
    [
      { type: StunAttr.username, value: Buffer.from('xxxx:yyyy') },
      { type: StunAttr.iceControlling, value: randomBytes(8) },
      { type: StunAttr.useCandidate, value: Buffer.alloc(0) },
    ],
    { integrityKey: randomBytes(16) },
  );
  const before = (await session.stats()).a.droppedWrongSource;
  for (const packet of [guess, Buffer.from([22, 0xfe, 0xfd, 0, 0]), rtp(5000), rtp(5001)])
    thief.socket.send(packet, relayForBrowser, '127.0.0.1');
  const heardBefore = b.received.length;
  await talk(b, p, relayForPhone, heardBefore + 10);
  assert.equal(thief.received.length, 0, 'the third party got a reply');
  const stats = await session.stats();
  assert.ok(stats.a.droppedWrongSource >= before + 4);
  assert.equal(stats.a.droppedSrtp, 0);
  await session.delete();
});

test('we offer WebRTC to the browser (actpass) from a plain phone; the browser answers active', async () => {
  const b = browser();
  const p = await phone();
  const session = await engine.createSession('webrtc-answer');
  const toBrowser = await session.offer('a', p.sdp(), { transport: 'UDP/TLS/RTP/SAVPF' });
  assert.match(toBrowser, /a=setup:actpass/);
  assert.match(toBrowser, /a=mid:0/);
  await b.pc.setRemoteDescription({ type: 'offer', sdp: withPhoneSsrc(toBrowser) });
  await b.pc.setLocalDescription(await b.pc.createAnswer());
  await until('ICE gathering', () => b.pc.iceGatheringState === 'complete', 10_000);
  const toPhone = await session.answer('b', b.pc.localDescription?.sdp ?? '');
  assert.match(toPhone, /m=audio \d+ RTP\/AVP 0/);
  assert.doesNotMatch(toPhone, /a=(fingerprint|ice-ufrag|candidate|setup)/);
  const relayForPhone = parseSdp(toPhone).media[0]!.port;
  await talk(b, p, relayForPhone);

  // A re-INVITE from the phone: same ICE credentials, and setup keeps the
  // established DTLS role (we are the server: passive), so keys survive.
  const again = await session.offer('a', p.sdp(), { transport: 'UDP/TLS/RTP/SAVPF' });
  assert.match(again, /a=setup:passive/);
  const ufrag = (sdp: string): string => /a=ice-ufrag:(\S+)/.exec(sdp)![1]!;
  assert.equal(ufrag(again), ufrag(toBrowser));
  await b.pc.setRemoteDescription({ type: 'offer', sdp: withPhoneSsrc(again) });
  await b.pc.setLocalDescription(await b.pc.createAnswer());
  await session.answer('b', b.pc.localDescription?.sdp ?? '');
  await talk(b, p, relayForPhone, b.received.length + 10);
  assert.equal((await session.stats()).b.droppedSrtp, 0);
  await session.delete();
});

test('browser offers setup:passive: the relay is the DTLS client and checks the server signature', async () => {
  const b = browser();
  const p = await phone();
  const session = await engine.createSession('webrtc-client');
  const offer = (await browserOffer(b.pc)).replace('a=setup:actpass', 'a=setup:passive');
  const toPhone = await session.offer('a', offer, { transport: 'RTP/AVP' });
  const toBrowser = await session.answer('b', p.sdp());
  assert.match(toBrowser, /a=setup:active/);
  await b.pc.setRemoteDescription({ type: 'answer', sdp: withPhoneSsrc(toBrowser) });
  await talk(b, p, parseSdp(toPhone).media[0]!.port);
  await session.delete();
});

test('a certificate that does not match the SDP fingerprint ends the call; nothing is relayed', async () => {
  const b = browser();
  const p = await phone();
  const session = await engine.createSession('webrtc-mismatch');
  const offer = (await browserOffer(b.pc)).replace(
    /a=fingerprint:sha-256 [0-9A-Fa-f:]+/,
    `a=fingerprint:sha-256 ${randomBytes(32).toString('hex').toUpperCase().match(/../g)!.join(':')}`,
  );
  const toPhone = await session.offer('a', offer, { transport: 'RTP/AVP' });
  const toBrowser = await session.answer('b', p.sdp());
  await b.pc.setRemoteDescription({ type: 'answer', sdp: withPhoneSsrc(toBrowser) });
  const relayForPhone = parseSdp(toPhone).media[0]!.port;
  const timer = setInterval(() => {
    b.track.writeRtp(rtp(1));
    p.socket.send(rtp(1), relayForPhone, '127.0.0.1');
  }, 20);
  try {
    await until('the session to fail', () =>
      ended.some((e) => e.callId === 'webrtc-mismatch' && e.reason === 'media_failed'),
    );
  } finally {
    clearInterval(timer);
  }
  assert.equal(p.received.length, 0);
  assert.equal(b.received.length, 0);
  assert.ok(
    warnings.some((w) => /does not match the SDP fingerprint/.test(String(w.fields?.['reason']))),
  );
  await assert.rejects(session.stats());
});

/** An audio offer as Chromium writes it (trimmed), with the codecs given. */
function chromeOffer(formats: string, rtpmaps: string[]): string {
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS stream',
    `m=audio 9 UDP/TLS/RTP/SAVPF ${formats}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Chr0',
    'a=ice-pwd:chromiumchromiumchromium',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00',
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=sendrecv',
    'a=msid:stream track',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    ...rtpmaps,
    'a=ssrc:1001 cname:abc',
    '',
  ].join('\r\n');
}

function phoneSdp(port: number, formats: string, rtpmaps: string[]): string {
  return [
    'v=0',
    'o=- 7 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${String(port)} RTP/AVP ${formats}`,
    ...rtpmaps,
    '',
  ].join('\r\n');
}

const OPUS = ['a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1'];
const G711 = ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000'];

test('codecs: Opus passes through when both ends have it, G.711 otherwise, nothing common is 488', async () => {
  const opus = await engine.createSession('webrtc-opus');
  const toPhone = await opus.offer(
    'a',
    chromeOffer('111 0 8 13', [...OPUS, ...G711, 'a=rtpmap:13 CN/8000']),
    {
      transport: 'RTP/AVP',
    },
  );
  assert.match(toPhone, /m=audio \d+ RTP\/AVP 111 0 8\r\n/);
  assert.match(toPhone, /a=fmtp:111 minptime=10;useinbandfec=1/);
  assert.doesNotMatch(toPhone, /a=(extmap|msid|ssrc|rtcp-rsize|ice-options|group)/);
  const toBrowser = await opus.answer('b', phoneSdp(40002, '111', OPUS));
  assert.match(toBrowser, /m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111\r\n/);
  await opus.delete();

  // Audio and video offered: video is refused (port 0) but keeps its mid for the browser.
  const av = await engine.createSession('webrtc-video');
  const video = [
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=mid:1',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
  ];
  const avOffer = chromeOffer('0', G711.slice(0, 1)).replace(
    'a=group:BUNDLE 0',
    'a=group:BUNDLE 0 1',
  );
  const avToPhone = await av.offer('a', avOffer + video.join('\r\n') + '\r\n', {
    transport: 'RTP/AVP',
  });
  assert.match(avToPhone, /m=video 0 RTP\/AVP /);
  const phoneAnswer = phoneSdp(40008, '0', G711.slice(0, 1)) + 'm=video 0 RTP/AVP 96\r\n';
  const avToBrowser = await av.answer('b', phoneAnswer);
  assert.match(avToBrowser, /a=group:BUNDLE 0\r\n/);
  assert.match(avToBrowser, /m=video 0 UDP\/TLS\/RTP\/SAVPF [^\r]*\r\n(?:[^m][^\r]*\r\n)*a=mid:1/);
  await av.delete();

  const g711 = await engine.createSession('webrtc-g711');
  await g711.offer('a', chromeOffer('111 0', [...OPUS, G711[0]!]), { transport: 'RTP/AVP' });
  const pcmu = await g711.answer('b', phoneSdp(40004, '0', G711.slice(0, 1)));
  assert.match(pcmu, /m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0\r\n/);
  await g711.delete();

  const none = await engine.createSession('webrtc-none');
  const free = engine.freePortPairs;
  await assert.rejects(
    none.offer('a', chromeOffer('18', ['a=rtpmap:18 G729/8000']), { transport: 'RTP/AVP' }),
    (e: unknown) => isPalisadeError(e, 'unsupported_media') && e.sipStatus === 488,
  );
  await none.offer('a', chromeOffer('111', OPUS), { transport: 'RTP/AVP' });
  await assert.rejects(
    none.answer('b', phoneSdp(40006, '8', G711.slice(1))),
    (e: unknown) => isPalisadeError(e, 'unsupported_media') && e.sipStatus === 488,
  );
  await none.delete();
  assert.equal(engine.freePortPairs, free);
});

test('an engine started with webrtc: false refuses WebRTC offers with 488 and offers none', async () => {
  const plain = await BuiltinMediaEngine.start({
    bindAddress: '127.0.0.1',
    portMin: 39000,
    portMax: 39099,
    workers: 1,
    webrtc: false,
  });
  try {
    const session = await plain.createSession('no-webrtc');
    const is488 = (e: unknown): boolean =>
      isPalisadeError(e, 'unsupported_media') && e.sipStatus === 488;
    await assert.rejects(
      session.offer('a', chromeOffer('0', G711.slice(0, 1)), { transport: 'RTP/AVP' }),
      is488,
    );
    await assert.rejects(
      session.offer('a', phoneSdp(40010, '0', G711.slice(0, 1)), {
        transport: 'UDP/TLS/RTP/SAVPF',
      }),
      is488,
    );
    assert.equal(plain.freePortPairs, 50);
  } finally {
    await plain.close();
  }
});
