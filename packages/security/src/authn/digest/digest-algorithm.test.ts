import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDigestResponse, computeHa1, parseDigestAlgorithm } from './digest-algorithm.ts';
import type { DigestAlgorithm } from './digest-algorithm.ts';

// RFC 7616 §3.9.1 (password "Circle of Life", lower-case "of": erratum 4495).
const RFC7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};
const EXPECTED: Record<DigestAlgorithm, string> = {
  MD5: '8ca523f5e9506fed4657c9700eebdbec',
  'SHA-256': '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
};

for (const algorithm of ['MD5', 'SHA-256'] as const) {
  test(`RFC 7616 §3.9.1 example, ${algorithm}`, () => {
    const v = RFC7616;
    const ha1 = computeHa1(algorithm, v.username, v.realm, v.password);
    const response = computeDigestResponse({
      algorithm,
      ha1,
      nonce: v.nonce,
      method: v.method,
      uri: v.uri,
      qop: { nc: v.nc, cnonce: v.cnonce },
    });
    assert.equal(response, EXPECTED[algorithm]);
  });
}

test('RFC 2069-style response without qop: KD(HA1, nonce:HA2)', () => {
  // RFC 2069 §2.4 example: Mufasa / "CircleOfLife" / testrealm@host.com.
  const ha1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'CircleOfLife');
  const response = computeDigestResponse({
    algorithm: 'MD5',
    ha1,
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    method: 'GET',
    uri: '/dir/index.html',
  });
  assert.equal(response, '1949323746fe6a43ef61f9606e7febea');
});

test('parseDigestAlgorithm: absent is MD5, case-insensitive, -sess refused', () => {
  assert.equal(parseDigestAlgorithm(undefined), 'MD5');
  assert.equal(parseDigestAlgorithm('md5'), 'MD5');
  assert.equal(parseDigestAlgorithm('sha-256'), 'SHA-256');
  assert.equal(parseDigestAlgorithm('MD5-sess'), null);
  assert.equal(parseDigestAlgorithm('SHA-512-256'), null);
});
