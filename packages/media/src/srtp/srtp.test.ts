import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { deriveSessionKey } from './key-derivation.ts';
import { SrtpContext, estimateRoc } from './srtp-context.ts';
import type { SrtpKeyMaterial } from './srtp-context.ts';
import { writeCtrIv } from './srtp-iv.ts';
import { ReplayWindow } from './replay-window.ts';
import type { SrtpSuiteName } from './srtp-suites.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3711 Appendix B.3 (and libsrtp's driver, which uses the same master key).
const MASTER_KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const MASTER_SALT = hex('0EC675AD498AFEEBB6960B3AABE6');
const RFC_KEYS: SrtpKeyMaterial = {
  suite: 'AES_CM_128_HMAC_SHA1_80',
  masterKey: MASTER_KEY,
  masterSalt: MASTER_SALT,
};

test('RFC 3711 B.3: key derivation', () => {
  assert.deepEqual(
    deriveSessionKey(MASTER_KEY, MASTER_SALT, 0, 16),
    hex('C61E7A93744F39EE10734AFE3FF7A087'),
  );
  assert.deepEqual(
    deriveSessionKey(MASTER_KEY, MASTER_SALT, 2, 14),
    hex('30CBBC08863D8C85D49DB34A9AE1'),
  );
  assert.deepEqual(
    deriveSessionKey(MASTER_KEY, MASTER_SALT, 1, 20),
    hex('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4'),
  );
  // SRTCP labels 3, 4, 5 over the same master key.
  assert.deepEqual(
    deriveSessionKey(MASTER_KEY, MASTER_SALT, 3, 16),
    hex('4c1aa45a81f73d61c800bbb00fbb1eaa'),
  );
  assert.deepEqual(
    deriveSessionKey(MASTER_KEY, MASTER_SALT, 5, 14),
    hex('9581c7ad87b3e530bf3e4454a8b3'),
  );
});

test('RFC 3711 B.2: AES-CM keystream from the session salt, SSRC 0, index 0', () => {
  const iv = writeCtrIv(Buffer.alloc(16), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 0, 0, 0);
  assert.deepEqual(iv, hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000'));
  const ks = createCipheriv('aes-128-ctr', hex('2B7E151628AED2A6ABF7158809CF4F3C'), iv).update(
    Buffer.alloc(48),
  );
  assert.deepEqual(
    ks,
    hex(
      'E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0',
    ),
  );
});

const RTP_PLAIN = hex('800f1234decafbad cafebabe abababab abababababababab abababab');
const SRTP_CIPHER = hex(
  '800f1234decafbad cafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb',
);
const RTCP_PLAIN = hex('81c8000bcafebabe abababababababab abababababababab');
const SRTCP_CIPHER = hex(
  '81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798',
);

test('AES_CM_128_HMAC_SHA1_80 reference packet: protect and unprotect', () => {
  const tx = new SrtpContext(RFC_KEYS);
  assert.deepEqual(tx.protectRtp(RTP_PLAIN), SRTP_CIPHER);
  const rx = new SrtpContext(RFC_KEYS);
  assert.deepEqual(rx.unprotectRtp(SRTP_CIPHER), RTP_PLAIN);
  assert.equal(rx.unprotectRtp(SRTP_CIPHER), 'replayed');
});

test('SRTCP reference packet (index 1) unprotects; our own round-trips', () => {
  const rx = new SrtpContext(RFC_KEYS);
  assert.deepEqual(rx.unprotectRtcp(SRTCP_CIPHER), RTCP_PLAIN);
  assert.equal(rx.unprotectRtcp(SRTCP_CIPHER), 'replayed');
  const tx = new SrtpContext(RFC_KEYS);
  const first = tx.protectRtcp(RTCP_PLAIN);
  assert.equal(first.readUInt32BE(first.length - 14), 0x80000000, 'E flag set, index 0');
  assert.deepEqual(new SrtpContext(RFC_KEYS).unprotectRtcp(first), RTCP_PLAIN);
  const second = tx.protectRtcp(RTCP_PLAIN);
  assert.deepEqual(second.subarray(second.length - 14, second.length - 10), hex('80000001'));
  assert.deepEqual(second, SRTCP_CIPHER);
});

// RFC 7714 §16.1.1: AEAD_AES_128_GCM with session key and salt given directly.
const GCM_KEYS = {
  key: hex('000102030405060708090a0b0c0d0e0f'),
  salt: hex('517569642070726f2071756f'),
};
const GCM_PLAIN = hex(
  '8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573',
);
const GCM_CIPHER = hex(
  '8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833 899d7f27beb16a9152cf765ee4390cce',
);

test('RFC 7714 §16.1: AEAD_AES_128_GCM protect and unprotect', () => {
  const tx = SrtpContext.fromSessionKeys('AEAD_AES_128_GCM', GCM_KEYS);
  assert.deepEqual(tx.protectRtp(GCM_PLAIN), GCM_CIPHER);
  const rx = SrtpContext.fromSessionKeys('AEAD_AES_128_GCM', GCM_KEYS);
  const tampered = Buffer.from(GCM_CIPHER);
  tampered[20] = (tampered[20] as number) ^ 1;
  assert.equal(rx.unprotectRtp(tampered), 'auth_failed');
  assert.deepEqual(rx.unprotectRtp(GCM_CIPHER), GCM_PLAIN);
  assert.equal(rx.unprotectRtp(GCM_CIPHER), 'replayed');
});

function rtp(seq: number, ssrc = 0x11223344, payload = 'hello'): Buffer {
  const p = Buffer.alloc(12 + payload.length);
  p[0] = 0x80;
  p[1] = 0;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(ssrc, 8);
  p.write(payload, 12);
  return p;
}

function keys(suite: SrtpSuiteName): SrtpKeyMaterial {
  const saltLen = suite === 'AEAD_AES_128_GCM' ? 12 : 14;
  return { suite, masterKey: Buffer.alloc(16, 7), masterSalt: Buffer.alloc(saltLen, 9) };
}

for (const suite of [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
] as const) {
  test(`${suite}: ROC rollover, reordering, replay, tampering changes nothing`, () => {
    const tx = new SrtpContext(keys(suite));
    const rx = new SrtpContext(keys(suite));
    const seqs = [65533, 65534, 65535, 0, 1, 2];
    const sent = seqs.map((s) => tx.protectRtp(rtp(s, undefined, `p${s}`)));
    assert.equal(
      sent[0]!.length,
      12 + 'p65533'.length + new SrtpContext(keys(suite)).suite.rtpTagLength,
    );
    // 65535 and 0 swapped: the ROC estimate must still land each in its place.
    for (const i of [0, 1, 3, 2, 4]) {
      const out = rx.unprotectRtp(sent[i]!);
      assert.ok(Buffer.isBuffer(out), `packet ${seqs[i]} ${String(out)}`);
      assert.equal(out.subarray(12).toString(), `p${seqs[i]}`);
    }
    assert.equal(rx.unprotectRtp(sent[3]!), 'replayed');
    // A forged packet far ahead fails authentication and must not move the ROC.
    const forged = Buffer.from(sent[5]!);
    forged.writeUInt16BE(30000, 2);
    assert.equal(rx.unprotectRtp(forged), 'auth_failed');
    const bitflip = Buffer.from(sent[5]!);
    bitflip[14] = (bitflip[14] as number) ^ 0x40;
    assert.equal(rx.unprotectRtp(bitflip), 'auth_failed');
    assert.equal(rx.unprotectRtp(sent[5]!.subarray(0, 14)), 'malformed');
    const ok = rx.unprotectRtp(sent[5]!);
    assert.ok(Buffer.isBuffer(ok));
    assert.equal(ok.subarray(12).toString(), 'p2');

    const rtcp = Buffer.from('81c90007' + '11223344' + '00'.repeat(24), 'hex');
    const srtcp = tx.protectRtcp(rtcp);
    assert.deepEqual(rx.unprotectRtcp(srtcp), rtcp);
    assert.equal(rx.unprotectRtcp(srtcp), 'replayed');
    const badRtcp = tx.protectRtcp(rtcp);
    badRtcp[10] = (badRtcp[10] as number) ^ 1;
    assert.equal(rx.unprotectRtcp(badRtcp), 'auth_failed');
  });
}

test('protect never reuses a packet index (keystream) and bounds the SSRCs it tracks', () => {
  const tx = new SrtpContext(keys('AES_CM_128_HMAC_SHA1_80'), { maxStreams: 2 });
  tx.protectRtp(rtp(100));
  tx.protectRtp(rtp(102));
  assert.throws(() => tx.protectRtp(rtp(100)), RangeError);
  tx.protectRtp(rtp(101)); // reordered but new: fine
  assert.throws(() => tx.protectRtp(rtp(101, undefined, 'other payload')), RangeError);
  tx.protectRtp(rtp(1, 0x01));
  assert.throws(() => tx.protectRtp(rtp(1, 0x02)), RangeError);
  tx.protectRtp(rtp(103)); // known streams go on
});

test('wrong key fails authentication', () => {
  const tx = new SrtpContext(keys('AES_CM_128_HMAC_SHA1_80'));
  const rx = new SrtpContext({
    ...keys('AES_CM_128_HMAC_SHA1_80'),
    masterKey: Buffer.alloc(16, 8),
  });
  assert.equal(rx.unprotectRtp(tx.protectRtp(rtp(1))), 'auth_failed');
});

test('packets older than the replay window are refused', () => {
  const tx = new SrtpContext(keys('AES_CM_128_HMAC_SHA1_80'));
  const rx = new SrtpContext(keys('AES_CM_128_HMAC_SHA1_80'), { replayWindow: 64 });
  const old = tx.protectRtp(rtp(10));
  const gapless = tx.protectRtp(rtp(11));
  assert.ok(Buffer.isBuffer(rx.unprotectRtp(gapless)));
  assert.ok(Buffer.isBuffer(rx.unprotectRtp(tx.protectRtp(rtp(200)))));
  assert.equal(rx.unprotectRtp(old), 'replayed');
});

test('ROC estimate (RFC 3711 Appendix A) and replay window edges', () => {
  assert.equal(estimateRoc(0, 65535, 0), 1);
  assert.equal(estimateRoc(1, 2, 65535), 0);
  assert.equal(estimateRoc(0, 2, 65535), -1);
  assert.equal(estimateRoc(3, 100, 200), 3);
  const w = new ReplayWindow(64);
  assert.equal(w.isFresh(0), true);
  w.accept(100);
  assert.equal(w.isFresh(100), false);
  assert.equal(w.isFresh(37), true);
  assert.equal(w.isFresh(36), false);
  w.accept(37);
  assert.equal(w.isFresh(37), false);
  w.accept(1000);
  assert.equal(w.isFresh(999), true);
  assert.throws(() => new ReplayWindow(32), RangeError);
});

test('NULL and unknown suites are refused', () => {
  assert.throws(
    () =>
      new SrtpContext({
        suite: 'NULL_HMAC_SHA1_80' as SrtpSuiteName,
        masterKey: MASTER_KEY,
        masterSalt: MASTER_SALT,
      }),
    (e: unknown) => e instanceof Error && 'code' in e && e.code === 'unsupported_media',
  );
});
