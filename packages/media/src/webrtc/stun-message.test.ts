import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StunAttr,
  StunType,
  decodeStun,
  encodeStun,
  readXorMappedAddress,
  stunAttribute,
  verifyFingerprint,
  verifyIntegrity,
  xorMappedAddress,
} from './stun-message.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 5769 §2.1–2.3 (short-term credential test vectors).
const PASSWORD = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');
const REQUEST = hex(`
  00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff
  80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);
const RESPONSE_V4 = hex(`
  01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43
  00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
  80 28 00 04 c0 7d 4c 96`);
const RESPONSE_V6 = hex(`
  01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
  80 28 00 04 c8 fb 0b 4c`);

test('RFC 5769 §2.1 request: decodes, integrity and fingerprint verify, wrong password fails', () => {
  const m = decodeStun(REQUEST);
  assert.ok(m);
  assert.equal(m.type, StunType.bindingRequest);
  assert.equal(stunAttribute(m, StunAttr.username)?.value.toString(), 'evtj:h6vY');
  assert.equal(stunAttribute(m, StunAttr.priority)?.value.readUInt32BE(0), 0x6e0001ff);
  assert.ok(verifyFingerprint(m, true));
  assert.ok(verifyIntegrity(m, PASSWORD));
  assert.ok(!verifyIntegrity(m, Buffer.from('VOkJxbRl1RmTxUk/WvJxBr')));
});

test('RFC 5769 §2.2 and §2.3 responses: integrity, fingerprint, XOR-MAPPED-ADDRESS', () => {
  for (const [raw, address] of [
    [RESPONSE_V4, '192.0.2.1'],
    [RESPONSE_V6, '2001:db8:1234:5678:11:2233:4455:6677'],
  ] as const) {
    const m = decodeStun(raw);
    assert.ok(m);
    assert.ok(verifyFingerprint(m, true));
    assert.ok(verifyIntegrity(m, PASSWORD));
    const xma = stunAttribute(m, StunAttr.xorMappedAddress);
    assert.ok(xma);
    assert.deepEqual(readXorMappedAddress(xma.value, m.transactionId), { address, port: 32853 });
  }
});

test('encoding reproduces the RFC 5769 responses byte for byte', () => {
  const tid = REQUEST.subarray(8, 20);
  for (const [raw, address] of [
    [RESPONSE_V4, '192.0.2.1'],
    [RESPONSE_V6, '2001:db8:1234:5678:11:2233:4455:6677'],
  ] as const) {
    const out = encodeStun(
      StunType.bindingSuccess,
      tid,
      [
        { type: StunAttr.software, value: Buffer.from('test vector') },
        { type: StunAttr.xorMappedAddress, value: xorMappedAddress(address, 32853, tid) },
      ],
      { integrityKey: PASSWORD, padding: 0x20 },
    );
    assert.deepEqual(out, raw);
  }
});

test('tampering, truncation and trailing attributes are refused', () => {
  const flipped = Buffer.from(REQUEST);
  flipped[30] = (flipped[30] as number) ^ 1;
  const m = decodeStun(flipped);
  assert.ok(m);
  assert.ok(!verifyFingerprint(m, true));
  assert.ok(!verifyIntegrity(m, PASSWORD));
  assert.equal(decodeStun(REQUEST.subarray(0, REQUEST.length - 4)), undefined);
  assert.equal(decodeStun(Buffer.alloc(10)), undefined);
  const noFingerprint = encodeStun(StunType.bindingRequest, REQUEST.subarray(8, 20), [], {
    fingerprint: false,
  });
  const nf = decodeStun(noFingerprint);
  assert.ok(nf);
  assert.ok(!verifyFingerprint(nf, true));
  assert.ok(verifyFingerprint(nf, false));
  // An attribute after MESSAGE-INTEGRITY other than FINGERPRINT voids it.
  const extra = Buffer.concat([REQUEST.subarray(0, REQUEST.length - 8), hex('80 22 00 00')]);
  extra.writeUInt16BE(extra.length - 20, 2);
  const em = decodeStun(extra);
  assert.ok(em);
  assert.ok(!verifyIntegrity(em, PASSWORD));
});
