import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import { randomToken } from './random-token.ts';

test('randomToken gives base64url of the requested size, different each time', () => {
  const a = randomToken(32);
  const b = randomToken(32);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, b);
  assert.equal(Buffer.from(randomToken(16), 'base64url').length, 16);
});

test('randomToken refuses sizes below 128 bits or absurdly large', () => {
  for (const bad of [0, 8, 15, 1025, 16.5, Number.NaN]) {
    assert.throws(
      () => randomToken(bad),
      (e) => isPalisadeError(e, 'validation_failed'),
    );
  }
});
