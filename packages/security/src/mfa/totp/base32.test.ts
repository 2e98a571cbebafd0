import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeBase32, encodeBase32 } from './base32.ts';

// RFC 4648 §10 test vectors, without padding.
const VECTORS: readonly [string, string][] = [
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
];

test('base32: RFC 4648 vectors both ways', () => {
  for (const [plain, encoded] of VECTORS) {
    assert.equal(encodeBase32(Buffer.from(plain)), encoded);
    assert.equal(decodeBase32(encoded)!.toString(), plain);
  }
  assert.equal(decodeBase32('mzxw 6ytb oi======')!.toString(), 'foobar');
  assert.equal(decodeBase32('MZXW1'), null);
  const bytes = randomBytes(20);
  assert.deepEqual(decodeBase32(encodeBase32(bytes)), bytes);
});
