import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSdp } from './sdp-parser.ts';
import { serializeSdp } from './sdp-serializer.ts';
import { NoCommonCodecError } from './sdp-error.ts';
import { DEFAULT_CODECS, intersectCodecs, mapPayloadTypes, mediaCodecs } from './codecs.ts';
import {
  answerDirection,
  bumpVersion,
  isHold,
  restrictOffer,
  rewriteForRelay,
} from './offer-answer.ts';
import { cryptoAttributes, iceCandidates, rtcpAttribute, rtcpMux } from './sdp-attributes.ts';

const offer = (formats: string, extra: string[] = [], conn = '192.0.2.10'): string =>
  [
    'v=0',
    'o=- 1 7 IN IP4 192.0.2.10',
    's=-',
    `c=IN IP4 ${conn}`,
    't=0 0',
    `m=audio 4000 RTP/AVP ${formats}`,
    ...extra,
    '',
  ].join('\r\n');

test('codecs: static types without rtpmap, dynamic types by name and rate', () => {
  const sdp = parseSdp(
    offer('96 0 18 97 101', [
      'a=rtpmap:96 OPUS/48000/2',
      'a=rtpmap:97 G722/16000',
      'a=rtpmap:101 telephone-event/48000',
      'a=rtpmap:102 unused/8000',
    ]),
  );
  const codecs = mediaCodecs(sdp.media[0]!);
  assert.deepEqual(
    codecs.map((c) => `${c.payloadType}:${c.name}/${c.clockRate}/${c.channels}`),
    [
      '96:OPUS/48000/2',
      '0:PCMU/8000/1',
      '18:G729/8000/1',
      '97:G722/16000/1',
      '101:telephone-event/48000/1',
    ],
  );
  // G729 and the wrong-rate G722 are not ours; opus matches case-insensitively.
  const common = intersectCodecs(codecs, DEFAULT_CODECS);
  assert.deepEqual(
    common.map((c) => c.payloadType),
    [96, 0, 101],
  );
});

test('telephone-event alone is no codec; a stream without codecs is rejected; none → 488', () => {
  const sdp = parseSdp(offer('18 101', ['a=rtpmap:101 telephone-event/8000']));
  assert.throws(
    () => restrictOffer(sdp, DEFAULT_CODECS),
    (e: unknown) => e instanceof NoCommonCodecError && e.sipStatus === 488,
  );
  const two = parseSdp(
    offer('18', [
      'a=sendrecv',
      'm=audio 4002 RTP/AVP 8 101 13',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
    ]),
  );
  const out = restrictOffer(two, DEFAULT_CODECS);
  assert.equal(out.media[0]?.port, 0);
  assert.deepEqual(out.media[1]?.formats, ['8', '101']);
  assert.match(serializeSdp(out), /a=fmtp:101 0-15/);
});

test('payload types map by codec identity between offer and answer', () => {
  const a = mediaCodecs(parseSdp(offer('96 0', ['a=rtpmap:96 opus/48000/2'])).media[0]!);
  const b = mediaCodecs(parseSdp(offer('0 111', ['a=rtpmap:111 opus/48000/2'])).media[0]!);
  assert.deepEqual(
    [...mapPayloadTypes(a, b)],
    [
      [96, 111],
      [0, 0],
    ],
  );
});

test('hold: sendonly, inactive and 0.0.0.0 are hold; recvonly and sendrecv are not', () => {
  assert.equal(isHold(parseSdp(offer('0', ['a=sendonly']))), true);
  assert.equal(isHold(parseSdp(offer('0', ['a=inactive']))), true);
  assert.equal(isHold(parseSdp(offer('0', [], '0.0.0.0'))), true);
  assert.equal(isHold(parseSdp(offer('0', ['a=recvonly']))), false);
  assert.equal(isHold(parseSdp(offer('0'))), false);
  assert.equal(answerDirection('sendonly'), 'recvonly');
  assert.equal(answerDirection('inactive'), 'inactive');
  assert.equal(answerDirection('sendrecv', 'sendonly'), 'sendonly');
});

test('rewriteForRelay points c=, o= and m= at the relay and drops far-end transport', () => {
  const sdp = parseSdp(
    offer('0', [
      'a=rtcp:4001 IN IP4 192.0.2.10',
      'a=candidate:1 1 udp 2122260223 192.0.2.20 54321 typ host',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:abcdefghijklmnopqrstuvwxyz',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
      'a=sendonly',
    ]),
  );
  const out = rewriteForRelay(bumpVersion(sdp), {
    address: '203.0.113.5',
    media: [{ port: 30000, rtcpPort: 30003, proto: 'RTP/AVP', crypto: [] }],
  });
  const text = serializeSdp(out);
  assert.match(text, /^o=- 1 8 IN IP4 203\.0\.113\.5\r$/m);
  assert.match(text, /^c=IN IP4 203\.0\.113\.5\r$/m);
  assert.match(text, /^m=audio 30000 RTP\/AVP 0\r$/m);
  assert.doesNotMatch(text, /192\.0\.2\./);
  const m = out.media[0]!;
  assert.equal(iceCandidates(m).length, 0);
  assert.deepEqual(rtcpAttribute(m), { port: 30003, address: '203.0.113.5' });
  assert.equal(cryptoAttributes(m).length, 0);
  assert.match(text, /a=sendonly/);
  const mux = rewriteForRelay(sdp, {
    address: '203.0.113.5',
    media: [{ port: 30000, rtcpMux: true }],
  });
  assert.equal(rtcpMux(mux.media[0]!), true);
  assert.equal(rtcpAttribute(mux.media[0]!), undefined);
  assert.equal(cryptoAttributes(mux.media[0]!).length, 1, 'crypto kept when not replaced');
  // hold by 0.0.0.0 survives the rewrite
  const held = rewriteForRelay(parseSdp(offer('0', [], '0.0.0.0')), {
    address: '203.0.113.5',
    media: [{ port: 30000 }],
  });
  assert.equal(isHold(held), true);
});
