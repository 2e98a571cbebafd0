import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillRandom, randomString } from './random-pool.ts';

test('pooled random strings have the asked length and do not repeat across refills of the pool', () => {
  const seen = new Set<string>();
  // 3000 × 16 bytes: the 4 KiB pool is refilled about a dozen times
  for (let i = 0; i < 3000; i++) {
    const s = randomString(16, 'hex');
    assert.match(s, /^[0-9a-f]{32}$/);
    assert.ok(!seen.has(s), 'no value handed out twice');
    seen.add(s);
  }
  assert.match(randomString(12, 'base64url'), /^[A-Za-z0-9_-]{16}$/);
  assert.throws(() => randomString(4097, 'hex'), RangeError);
});

test('fillRandom writes only the bytes asked for', () => {
  const target = Buffer.alloc(40);
  fillRandom(target, 8, 16);
  assert.ok(target.subarray(0, 8).every((b) => b === 0));
  assert.ok(target.subarray(24).every((b) => b === 0));
  assert.ok(target.subarray(8, 24).some((b) => b !== 0));
});
