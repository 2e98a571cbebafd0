import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase32 } from './base32.ts';
import { hotp } from './hotp.ts';
import type { OtpAlgorithm } from './hotp.ts';
import { generateTotpSecret, totpCode, totpStep, totpUri, verifyTotp } from './totp.ts';

test('HOTP: RFC 4226 appendix D vectors', () => {
  const secret = Buffer.from('12345678901234567890');
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  expected.forEach((code, counter) => assert.equal(hotp(secret, counter), code));
});

// RFC 6238 appendix B: 8 digits, 30 s, seeds of 20, 32 and 64 bytes.
const SEEDS: Record<OtpAlgorithm, Buffer> = {
  SHA1: Buffer.from('12345678901234567890'),
  SHA256: Buffer.from('12345678901234567890123456789012'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};
const APPENDIX_B: readonly [number, OtpAlgorithm, string][] = [
  [59, 'SHA1', '94287082'],
  [59, 'SHA256', '46119246'],
  [59, 'SHA512', '90693936'],
  [1111111109, 'SHA1', '07081804'],
  [1111111109, 'SHA256', '68084774'],
  [1111111109, 'SHA512', '25091201'],
  [1111111111, 'SHA1', '14050471'],
  [1111111111, 'SHA256', '67062674'],
  [1111111111, 'SHA512', '99943326'],
  [1234567890, 'SHA1', '89005924'],
  [1234567890, 'SHA256', '91819424'],
  [1234567890, 'SHA512', '93441116'],
  [2000000000, 'SHA1', '69279037'],
  [2000000000, 'SHA256', '90698825'],
  [2000000000, 'SHA512', '38618901'],
  [20000000000, 'SHA1', '65353130'],
  [20000000000, 'SHA256', '77737706'],
  [20000000000, 'SHA512', '47863826'],
];

test('TOTP: RFC 6238 appendix B vectors', () => {
  for (const [seconds, algorithm, code] of APPENDIX_B) {
    assert.equal(
      totpCode(SEEDS[algorithm], seconds * 1000, { digits: 8, algorithm }),
      code,
      `${seconds} ${algorithm}`,
    );
    assert.deepEqual(
      verifyTotp({
        secret: SEEDS[algorithm],
        code,
        nowMs: seconds * 1000,
        lastAcceptedStep: null,
        options: { digits: 8, algorithm },
      }),
      { ok: true, step: totpStep(seconds * 1000) },
    );
  }
});

test('a code is accepted once; the returned step is the new floor', () => {
  const { bytes } = generateTotpSecret();
  const now = 1_700_000_000_000;
  const code = totpCode(bytes, now);
  const first = verifyTotp({ secret: bytes, code, nowMs: now, lastAcceptedStep: null });
  assert.deepEqual(first, { ok: true, step: totpStep(now) });
  const again = verifyTotp({
    secret: bytes,
    code,
    nowMs: now + 5_000,
    lastAcceptedStep: totpStep(now),
  });
  assert.deepEqual(again, { ok: false, reason: 'replay' });
  // The previous step's code is also refused once a later step was accepted.
  const older = totpCode(bytes, now - 30_000);
  assert.deepEqual(
    verifyTotp({ secret: bytes, code: older, nowMs: now, lastAcceptedStep: totpStep(now) }),
    {
      ok: false,
      reason: 'replay',
    },
  );
  // The next step's code passes.
  const next = totpCode(bytes, now + 30_000);
  assert.deepEqual(
    verifyTotp({ secret: bytes, code: next, nowMs: now + 30_000, lastAcceptedStep: totpStep(now) }),
    {
      ok: true,
      step: totpStep(now) + 1,
    },
  );
});

test('±1 step of drift is accepted, 2 steps is not', () => {
  const { bytes } = generateTotpSecret();
  const now = 1_700_000_010_000;
  for (const [offset, ok] of [
    [-30_000, true],
    [30_000, true],
    [-60_000, false],
    [60_000, false],
  ] as const) {
    const code = totpCode(bytes, now + offset);
    assert.equal(
      verifyTotp({ secret: bytes, code, nowMs: now, lastAcceptedStep: null }).ok,
      ok,
      String(offset),
    );
  }
});

test('malformed codes are refused without work; spaces are ignored', () => {
  const { bytes } = generateTotpSecret();
  const now = 1_700_000_000_000;
  for (const code of ['', '12345', '1234567', 'abcdef', '12 34 5x']) {
    assert.deepEqual(verifyTotp({ secret: bytes, code, nowMs: now, lastAcceptedStep: null }), {
      ok: false,
      reason: 'malformed',
    });
  }
  const spaced = totpCode(bytes, now).replace(/^(\d{3})/, '$1 ');
  assert.equal(
    verifyTotp({ secret: bytes, code: spaced, nowMs: now, lastAcceptedStep: null }).ok,
    true,
  );
});

test('secrets are 160 random bits; the otpauth URI carries them in base32', () => {
  const s = generateTotpSecret();
  assert.equal(s.bytes.length, 20);
  assert.match(s.base32, /^[A-Z2-7]{32}$/);
  assert.notEqual(generateTotpSecret().base32, s.base32);
  const uri = totpUri({ issuer: 'Acme PBX', account: 'jdoe@acme.example', secret: s.bytes });
  const url = new URL(uri);
  assert.equal(url.protocol, 'otpauth:');
  assert.equal(url.host, 'totp');
  assert.equal(decodeURIComponent(url.pathname), '/Acme PBX:jdoe@acme.example');
  assert.equal(url.searchParams.get('secret'), s.base32);
  assert.equal(url.searchParams.get('issuer'), 'Acme PBX');
  assert.equal(url.searchParams.get('algorithm'), 'SHA1');
  assert.equal(url.searchParams.get('digits'), '6');
  assert.equal(url.searchParams.get('period'), '30');
  assert.doesNotMatch(uri, /\+/);
  assert.deepEqual(decodeBase32(url.searchParams.get('secret')!), s.bytes);
});
