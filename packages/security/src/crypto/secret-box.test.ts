import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPalisadeError } from '@palisade/common';
import { SecretBox, generateSecretBoxKey } from './secret-box.ts';

const rejected = (err: unknown) => isPalisadeError(err, 'unauthenticated');

test('seals and opens; every seal is different', () => {
  const box = new SecretBox(generateSecretBoxKey(), 'test');
  const a = box.seal('bind password', 'provider:1');
  const b = box.seal('bind password', 'provider:1');
  assert.notEqual(a, b);
  assert.ok(!a.includes('bind'));
  assert.equal(box.openString(a, 'provider:1'), 'bind password');
});

test('another context, purpose or key, or a flipped bit, does not open', () => {
  const key = generateSecretBoxKey();
  const box = new SecretBox(key, 'test');
  const sealed = box.seal('s3cret', 'provider:1');
  assert.throws(() => box.open(sealed, 'provider:2'), rejected);
  assert.throws(() => new SecretBox(key, 'other').open(sealed, 'provider:1'), rejected);
  assert.throws(
    () => new SecretBox(generateSecretBoxKey(), 'test').open(sealed, 'provider:1'),
    rejected,
  );
  const [v, iv, body] = sealed.split('.') as [string, string, string];
  const raw = Buffer.from(body, 'base64url');
  raw[0] = raw[0]! ^ 1;
  assert.throws(() => box.open(`${v}.${iv}.${raw.toString('base64url')}`, 'provider:1'), rejected);
  for (const bad of ['', 'v1..', 'v2.a.b', `${v}.${iv}`, `${v}.${iv}.AAAA`])
    assert.throws(() => box.open(bad, 'provider:1'), rejected);
});

test('refuses a key of the wrong size', () => {
  assert.throws(() => new SecretBox(Buffer.alloc(16), 'x'), RangeError);
});
