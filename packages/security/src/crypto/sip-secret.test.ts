import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSipSecret } from './sip-secret.ts';
import { ALPHANUMERIC, randomString } from './random-string.ts';

test('generateSipSecret: 24 letters and digits, at least 128 bits', () => {
  const s = generateSipSecret();
  assert.match(s, /^[A-Za-z0-9]{24}$/);
  assert.ok(Math.log2(62) * s.length >= 128);
  assert.notEqual(generateSipSecret(), s);
});

test('randomString uses every symbol of the alphabet and nothing else', () => {
  const sample = randomString(4000, 'abc');
  const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
  for (const ch of sample) counts[ch] = (counts[ch] ?? 0) + 1;
  assert.deepEqual(Object.keys(counts).sort(), ['a', 'b', 'c']);
  // Rough uniformity: each symbol near 1/3 (a failure here is ~1e-12 likely).
  for (const n of Object.values(counts)) assert.ok(n > 1100 && n < 1570, `count ${n}`);
  assert.equal(randomString(62, ALPHANUMERIC).length, 62);
  assert.throws(() => randomString(3, 'a'), RangeError);
});
