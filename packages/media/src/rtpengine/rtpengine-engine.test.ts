/**
 * What the rtpengine engine asks rtpengine for, per direction, and what it
 * refuses before asking: a fake ng node on loopback records each request
 * and replies with SDP as rtpengine would write it.
 */
import { after, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { isPalisadeError } from '@palisade/common';
import { bdecode, bencode } from './bencode.ts';
import type { BDict } from './bencode.ts';
import { RtpengineMediaEngine } from './rtpengine-engine.ts';

const FP = 'sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':');

const head = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
const sdp = (lines: string[]): string => [...head, ...lines, ''].join('\r\n');

/** A browser's description (Chromium's shape, trimmed). */
const browser = (setup: string, extra: string[] = []): string =>
  sdp([
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS s',
    'm=audio 50000 UDP/TLS/RTP/SAVPF 0',
    'a=candidate:1 1 udp 2113937151 127.0.0.1 50000 typ host',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    `a=fingerprint:${FP}`,
    `a=setup:${setup}`,
    'a=mid:0',
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    ...extra,
  ]);
const phone = (proto = 'RTP/AVP', extra: string[] = []): string =>
  sdp([`m=audio 40000 ${proto} 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ...extra]);

// What the fake node answers: the next SDP queued, else the request's own.
const requests: BDict[] = [];
const replies: string[] = [];
const server = createSocket('udp4');
server.on('message', (msg, rinfo) => {
  const space = msg.indexOf(0x20);
  const request = bdecode(msg.subarray(space + 1)) as BDict;
  const reply: BDict =
    request.command === 'ping'
      ? { result: 'pong' }
      : typeof request.sdp === 'string'
        ? { result: 'ok', sdp: replies.shift() ?? request.sdp }
        : { result: 'ok' };
  if (request.command !== 'ping') requests.push(request);
  server.send(
    Buffer.concat([msg.subarray(0, space + 1), bencode(reply)]),
    rinfo.port,
    rinfo.address,
  );
});
server.bind(0, '127.0.0.1');
await once(server, 'listening');
const engine = await RtpengineMediaEngine.start({
  nodes: [{ host: '127.0.0.1', port: server.address().port }],
  pollMs: 0,
  timeoutMs: 500,
});
after(async () => {
  await engine.close();
  server.close();
});
beforeEach(() => {
  requests.length = 0;
  replies.length = 0;
});

const flags = (r: BDict | undefined): unknown => r?.flags;

test('browser calls a phone: no ICE or DTLS towards the phone, ICE and passive DTLS back', async () => {
  const session = await engine.createSession('w2p');
  // rtpengine passes a browser's msid/ssrc/extmap on; the phone must not see them
  replies.push(
    sdp([
      'a=msid-semantic: WMS s',
      'm=audio 30000 RTP/AVP 0',
      'a=msid:s t',
      'a=ssrc:1 cname:x',
      'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
      'a=mid:0',
      'a=rtpmap:0 PCMU/8000',
      'a=rtcp:30001',
    ]),
  );
  const toPhone = await session.offer('a', browser('actpass'), { transport: 'RTP/AVP' });
  const offer = requests[0];
  assert.equal(offer?.command, 'offer');
  assert.equal(offer['transport-protocol'], 'RTP/AVP');
  assert.equal(offer.ICE, 'remove');
  // no DTLS towards the phone; towards the browser only once it has our answer
  assert.equal(offer.DTLS, undefined);
  assert.equal(offer['DTLS-reverse'], 'passive');
  assert.deepEqual(offer['rtcp-mux'], ['demux']);
  assert.deepEqual(flags(offer), ['strict-source']);
  assert.equal(offer['endpoint-learning'], 'immediate');
  assert.doesNotMatch(toPhone, /msid|ssrc|extmap|a=mid|fingerprint/);
  assert.match(toPhone, /a=rtcp:30001/);

  const fromRtpengine = browser('passive');
  replies.push(fromRtpengine);
  const toBrowser = await session.answer('b', phone());
  const answer = requests[1];
  assert.equal(answer?.command, 'answer');
  assert.equal(answer.ICE, 'force');
  assert.equal(answer.DTLS, 'passive');
  assert.deepEqual(flags(answer), ['strict-source']);
  assert.equal(answer['from-tag'], offer['from-tag']);
  // the browser gets rtpengine's ICE and DTLS terms as they are
  assert.equal(toBrowser, fromRtpengine);
  await session.delete();
});

test('phone calls a browser: WebRTC profile, forced ICE, rtcp-mux required, no SDES', async () => {
  const session = await engine.createSession('p2w');
  replies.push(browser('actpass'));
  await session.offer(
    'a',
    phone('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${'A'.repeat(40)}`]),
    {
      transport: 'UDP/TLS/RTP/SAVPF',
    },
  );
  const offer = requests[0];
  assert.equal(offer?.['transport-protocol'], 'UDP/TLS/RTP/SAVPF');
  assert.equal(offer.ICE, 'force');
  assert.deepEqual(offer['rtcp-mux'], ['require']);
  assert.deepEqual(offer.SDES, ['off']);
  assert.equal(offer.DTLS, undefined, 'DTLS stays on towards the browser');
  assert.deepEqual(flags(offer), ['strict-source', 'generate-mid']);

  replies.push(phone('RTP/SAVP', ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:' + 'B'.repeat(40)]));
  const toPhone = await session.answer('b', browser('active'));
  const answer = requests[1];
  assert.equal(answer?.ICE, 'remove');
  assert.equal(answer.DTLS, undefined);
  assert.deepEqual(flags(answer), ['strict-source']);
  assert.match(toPhone, /a=crypto:1 AES_CM_128_HMAC_SHA1_80/);
  await session.delete();
});

test('towards a phone, an a=crypto line with a suite we do not allow is dropped', async () => {
  const session = await engine.createSession('null-cipher');
  replies.push(
    phone('RTP/SAVP', [
      `a=crypto:1 NULL_HMAC_SHA1_80 inline:${'C'.repeat(40)}`,
      `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${'D'.repeat(40)}`,
    ]),
  );
  const out = await session.offer('a', phone(), { transport: 'RTP/SAVP' });
  assert.doesNotMatch(out, /NULL/);
  assert.match(out, /a=crypto:2 AES_CM_128_HMAC_SHA1_80/);
  assert.deepEqual(requests[0]?.SDES, ['only-AES_CM_128_HMAC_SHA1_80', 'only-AEAD_AES_128_GCM']);
  assert.equal(requests[0]?.DTLS, 'off', 'phone to phone: SDES only');
  await session.delete();
});

const unsupported = (e: unknown): boolean => isPalisadeError(e, 'unsupported_media');

test('WebRTC media rtpengine could not secure is refused before rtpengine hears of it', async () => {
  const session = await engine.createSession('refused');
  const noFingerprint = browser('actpass').replace(/a=fingerprint:.*\r\n/, '');
  await assert.rejects(session.offer('a', noFingerprint, { transport: 'RTP/AVP' }), unsupported);
  const noMux = browser('actpass').replace('a=rtcp-mux\r\n', '');
  await assert.rejects(session.offer('a', noMux, { transport: 'RTP/AVP' }), unsupported);
  const weakHash = browser('actpass').replace('sha-256', 'md5');
  await assert.rejects(session.offer('a', weakHash, { transport: 'RTP/AVP' }), unsupported);
  const tcp = browser('actpass').replace('UDP/TLS/RTP/SAVPF', 'TCP/TLS/RTP/SAVPF');
  await assert.rejects(session.offer('a', tcp, { transport: 'RTP/AVP' }), unsupported);
  assert.equal(requests.length, 0);
  await session.delete();
});

test('an answer may not downgrade the profile offered, nor say actpass', async () => {
  const session = await engine.createSession('downgrade');
  await session.offer('a', phone(), { transport: 'UDP/TLS/RTP/SAVPF' });
  // offered WebRTC, answered plain RTP: media would flow unencrypted to a browser leg
  await assert.rejects(session.answer('b', phone()), unsupported);
  await assert.rejects(session.answer('b', browser('actpass')), unsupported);
  assert.deepEqual(
    requests.map((r) => r.command),
    ['offer'],
  );
  // a valid answer still completes the exchange
  replies.push(phone());
  await session.answer('b', browser('active'));
  assert.equal(requests[1]?.command, 'answer');

  const sdes = await engine.createSession('sdes-downgrade');
  await sdes.offer('a', phone(), { transport: 'RTP/SAVP' });
  await assert.rejects(sdes.answer('b', phone('RTP/AVP')), unsupported);
  await sdes.delete();
  await session.delete();
});
