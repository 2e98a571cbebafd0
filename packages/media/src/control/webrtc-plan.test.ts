import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import { parseSdp } from '../sdp/sdp-parser.ts';
import {
  answerSetup,
  newIceCredentials,
  offerSetup,
  ourDtlsRole,
  readRemoteWebrtc,
} from './webrtc-plan.ts';

test('DTLS roles: answer passive to actpass, keep an established role on re-offers', () => {
  assert.equal(ourDtlsRole('actpass'), 'server');
  assert.equal(ourDtlsRole('active'), 'server');
  assert.equal(ourDtlsRole('passive'), 'client');
  assert.equal(ourDtlsRole('actpass', 'client'), 'client');
  assert.equal(answerSetup('server'), 'passive');
  assert.equal(answerSetup('client'), 'active');
  assert.equal(offerSetup(), 'actpass');
  assert.equal(offerSetup('server'), 'passive');
  assert.equal(offerSetup('client'), 'active');
});

test('ICE credentials are random and within RFC 8839 limits', () => {
  const a = newIceCredentials();
  const b = newIceCredentials();
  assert.notEqual(a.pwd, b.pwd);
  assert.match(a.ufrag, /^[A-Za-z0-9+/]{8}$/);
  assert.match(a.pwd, /^[A-Za-z0-9+/]{32}$/);
});

const FP = 'sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':');
function sdp(lines: string[]): ReturnType<typeof parseSdp> {
  return parseSdp(['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', ...lines, ''].join('\r\n'));
}

test('a WebRTC description must carry ICE, fingerprint and rtcp-mux; answers cannot say actpass', () => {
  const full = [
    'm=audio 9 UDP/TLS/RTP/SAVPF 0',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    `a=fingerprint:${FP}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=rtcp-mux',
  ];
  const ok = sdp(full);
  const r = readRemoteWebrtc(ok, ok.media[0]!, false);
  assert.equal(r.ufrag, 'abcd');
  assert.equal(r.setup, 'actpass');
  assert.equal(r.mid, '0');
  const refused = (lines: string[], isAnswer = false): void => {
    const d = sdp(lines);
    assert.throws(
      () => readRemoteWebrtc(d, d.media[0]!, isAnswer),
      (e: unknown) => isPalisadeError(e, 'unsupported_media'),
    );
  };
  refused(full, true);
  refused(full.filter((l) => !l.startsWith('a=ice-')));
  refused(full.filter((l) => !l.startsWith('a=fingerprint')));
  refused(full.filter((l) => l !== 'a=rtcp-mux'));
  refused(full.map((l) => (l === 'a=setup:actpass' ? 'a=setup:holdconn' : l)));
  refused(
    full.map((l) => l.replace(`a=fingerprint:${FP}`, `a=fingerprint:md5 ${FP.slice(8, 55)}`)),
  );
});
