import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { answerCheck } from './ice-lite.ts';
import { classifyPacket } from './demux.ts';
import {
  StunAttr,
  StunType,
  decodeStun,
  encodeStun,
  readXorMappedAddress,
  stunAttribute,
  verifyIntegrity,
} from './stun-message.ts';

const creds = { localUfrag: 'srvU', localPwd: 'serverpassword0123456789', remoteUfrag: 'brwU' };
const from = { address: '127.0.0.1', port: 40000 };

function check(opts: {
  username?: string;
  pwd?: string;
  controlling?: boolean;
  useCandidate?: boolean;
  fingerprint?: boolean;
}): Buffer {
  const attrs = [
    { type: StunAttr.username, value: Buffer.from(opts.username ?? 'srvU:brwU') },
    { type: StunAttr.priority, value: Buffer.from([0x6e, 0, 1, 0xff]) },
    opts.controlling === false
      ? { type: StunAttr.iceControlled, value: randomBytes(8) }
      : { type: StunAttr.iceControlling, value: randomBytes(8) },
    ...(opts.useCandidate ? [{ type: StunAttr.useCandidate, value: Buffer.alloc(0) }] : []),
  ];
  return encodeStun(StunType.bindingRequest, randomBytes(12), attrs, {
    integrityKey: Buffer.from(opts.pwd ?? creds.localPwd),
    fingerprint: opts.fingerprint ?? true,
  });
}

test('a valid check is answered with an authenticated XOR-MAPPED-ADDRESS', () => {
  const req = check({ useCandidate: true });
  const r = answerCheck(req, from, creds);
  assert.ok(r.ok);
  assert.equal(r.nominated, true);
  const m = decodeStun(r.response);
  assert.ok(m);
  assert.equal(m.type, StunType.bindingSuccess);
  assert.deepEqual(m.transactionId, req.subarray(8, 20));
  assert.ok(verifyIntegrity(m, Buffer.from(creds.localPwd)));
  const xma = stunAttribute(m, StunAttr.xorMappedAddress);
  assert.ok(xma);
  assert.deepEqual(readXorMappedAddress(xma.value, m.transactionId), from);
  const plain = answerCheck(check({}), from, creds);
  assert.ok(plain.ok);
  assert.equal(plain.nominated, false);
});

test('checks with the wrong password, username, role or no fingerprint get no answer', () => {
  const cases: [Buffer, string][] = [
    [check({ pwd: 'someoneelsespassword0000' }), 'bad_integrity'],
    [check({ username: 'srvU:evil' }), 'bad_username'],
    [check({ username: 'othr:brwU' }), 'bad_username'],
    [check({ controlling: false }), 'role_conflict'],
    [check({ fingerprint: false }), 'bad_fingerprint'],
    [Buffer.from([0, 1, 0, 0]), 'malformed'],
  ];
  for (const [packet, reason] of cases) {
    const r = answerCheck(packet, from, creds);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, reason);
  }
  const response = encodeStun(StunType.bindingSuccess, randomBytes(12), []);
  const r = answerCheck(response, from, creds);
  assert.ok(!r.ok && r.reason === 'not_a_request');
});

test('RFC 7983 demultiplexing by first byte', () => {
  assert.equal(classifyPacket(Buffer.from([0x00, 0x01])), 'stun');
  assert.equal(classifyPacket(Buffer.from([0x03])), 'stun');
  assert.equal(classifyPacket(Buffer.from([22, 0xfe, 0xfd])), 'dtls');
  assert.equal(classifyPacket(Buffer.from([63])), 'dtls');
  assert.equal(classifyPacket(Buffer.from([0x80, 0x00])), 'rtp');
  assert.equal(classifyPacket(Buffer.from([0x81, 200])), 'rtp');
  assert.equal(classifyPacket(Buffer.from([191])), 'rtp');
  for (const b of [4, 19, 64, 79, 100, 127, 192, 255])
    assert.equal(classifyPacket(Buffer.from([b])), 'other');
  assert.equal(classifyPacket(Buffer.alloc(0)), 'other');
});
