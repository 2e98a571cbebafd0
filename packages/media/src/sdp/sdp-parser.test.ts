import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSdp } from './sdp-parser.ts';
import { serializeSdp } from './sdp-serializer.ts';
import { SdpParseError } from './sdp-error.ts';
import {
  cryptoAttributes,
  fingerprint,
  fmtps,
  groups,
  iceCandidates,
  iceCredentials,
  mediaDirection,
  mediaId,
  ptime,
  rtcpAttribute,
  rtcpMux,
  rtpMaps,
  setupRole,
} from './sdp-attributes.ts';

const PHONE = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 49170 RTP/SAVP 0 8 9 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=rtcp:49171',
  'a=sendrecv',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4',
  'a=x-vendor-thing:keep me',
  '',
].join('\r\n');

const WEBRTC = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=setup:actpass',
  'a=mid:0',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=candidate:1 1 udp 2122260223 192.0.2.20 54321 typ host generation 0',
  'a=candidate:2 1 UDP 1686052607 198.51.100.7 61000 typ srflx raddr 192.0.2.20 rport 54321',
  'a=sendonly',
  '',
].join('\r\n');

test('a phone offer round-trips byte for byte, unknown attributes kept', () => {
  const sdp = parseSdp(PHONE);
  assert.equal(serializeSdp(sdp), PHONE);
  const m = sdp.media[0]!;
  assert.deepEqual(
    { port: m.port, proto: m.proto, formats: m.formats },
    { port: 49170, proto: 'RTP/SAVP', formats: ['0', '8', '9', '101'] },
  );
  assert.equal(sdp.connection?.address, '192.0.2.10');
  assert.deepEqual(rtpMaps(m)[1], {
    payloadType: 101,
    encoding: 'telephone-event',
    clockRate: 8000,
  });
  assert.deepEqual(fmtps(m), [{ payloadType: 101, parameters: '0-16' }]);
  assert.equal(ptime(m), 20);
  assert.deepEqual(rtcpAttribute(m), { port: 49171 });
  assert.equal(rtcpMux(m), false);
  assert.equal(mediaDirection(sdp, m), 'sendrecv');
  const [crypto] = cryptoAttributes(m);
  assert.equal(crypto?.suite, 'AES_CM_128_HMAC_SHA1_80');
  assert.deepEqual(crypto?.keyParams[0]?.mki, { value: '1', length: 4 });
  assert.equal(crypto?.keyParams[0]?.lifetime, '2^20');
  assert.ok(m.attributes.some((a) => a.name === 'x-vendor-thing' && a.value === 'keep me'));
});

test('a WebRTC offer exposes ICE, DTLS and BUNDLE attributes', () => {
  const sdp = parseSdp(WEBRTC.replaceAll('\r\n', '\n'));
  const m = sdp.media[0]!;
  assert.equal(serializeSdp(sdp), WEBRTC);
  assert.equal(fingerprint(sdp, m)?.hashFunction, 'sha-256');
  assert.equal(setupRole(sdp, m), 'actpass');
  assert.deepEqual(iceCredentials(sdp, m), { ufrag: 'EsAw', pwd: 'bP+XJMM09aR8AiX1jdukzR6Y' });
  const cands = iceCandidates(m);
  assert.equal(cands.length, 2);
  assert.equal(cands[1]?.type, 'srflx');
  assert.equal(cands[1]?.relatedPort, 54321);
  assert.equal(cands[0]?.transport, 'UDP');
  assert.equal(mediaId(m), '0');
  assert.deepEqual(groups(sdp), [{ semantics: 'BUNDLE', ids: ['0'] }]);
  assert.equal(rtcpMux(m), true);
  assert.equal(mediaDirection(sdp, m), 'sendonly');
  assert.deepEqual(rtcpAttribute(m), { port: 9, address: '0.0.0.0' });
});

function refuses(body: string, reason: SdpParseError['reason']): void {
  assert.throws(
    () => parseSdp(body),
    (e: unknown) => e instanceof SdpParseError && e.reason === reason && e.code === 'bad_request',
  );
}

test('malformed and truncated bodies are refused with a declared reason', () => {
  refuses('', 'missing_line');
  refuses('o=x 1 1 IN IP4 1.2.3.4\r\n', 'missing_line');
  refuses('v=1\r\n', 'bad_version');
  refuses(PHONE.replace('v=0\r\n', ''), 'missing_line');
  refuses(PHONE.replace('t=0 0\r\n', ''), 'missing_line');
  refuses(PHONE.replace('s=-\r\n', ''), 'missing_line');
  refuses(PHONE.replace('IN IP4 192.0.2.10\r\nt', 'IN IP4 999.0.2.10\r\nt'), 'bad_connection');
  refuses(PHONE.replace('c=IN IP4 192.0.2.10\r\n', ''), 'bad_connection');
  refuses(PHONE.replace('49170', '70000'), 'bad_media');
  refuses(PHONE.replace(' 0 8 9 101', ' 0 8 x'), 'bad_media');
  refuses(PHONE.replace('m=audio 49170 RTP/SAVP 0 8 9 101', 'm=audio 49170'), 'bad_media');
  refuses(PHONE.replace('2890844526 IN', 'abc IN'), 'bad_origin');
  refuses(PHONE.replace('a=ptime:20', 'a=pt ime:20'), 'bad_attribute');
  refuses(PHONE.replace('a=ptime:20', 'garbage'), 'bad_line');
  refuses(PHONE.replace('a=ptime:20', 'a=ptime:20\r\n'), 'bad_line');
  refuses(PHONE.slice(0, PHONE.indexOf('m=audio') + 12), 'bad_media');
});

test('size limits bound the work a hostile body causes', () => {
  refuses(PHONE + 'a=x:' + 'y'.repeat(40_000) + '\r\n', 'too_large');
  const limits = { maxBytes: 1e6, maxLines: 1000, maxLineLength: 4096, maxMedia: 16 };
  assert.throws(() => parseSdp(PHONE + 'a=x:y\r\n'.repeat(1000), limits), /more than 1000 lines/);
  assert.throws(() => parseSdp(PHONE + 'a=x:' + 'y'.repeat(5000) + '\r\n', limits), /longer/);
  const many = PHONE + 'm=audio 1 RTP/AVP 0\r\n'.repeat(16);
  assert.throws(() => parseSdp(many, limits), /more than 16 m= lines/);
});

test('malformed typed attributes throw only when read', () => {
  const sdp = parseSdp(PHONE.replace('a=ptime:20', 'a=ptime:soon').replace('inline:', 'outline:'));
  const m = sdp.media[0]!;
  assert.throws(() => ptime(m), SdpParseError);
  assert.throws(() => cryptoAttributes(m), SdpParseError);
  assert.equal(rtpMaps(m).length, 2);
});
