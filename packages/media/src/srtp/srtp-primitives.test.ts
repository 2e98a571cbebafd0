/**
 * The AES-CM keystream and HMAC-SHA1 of the SRTP hot path against Node's
 * own aes-128-ctr and Hmac, for lengths around block boundaries and past the
 * reused buffers' first size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { AesCtrKeystream } from './aes-ctr-keystream.ts';
import { HmacSha1 } from './hmac-sha1.ts';

const LENGTHS = [1, 15, 16, 17, 160, 255, 256, 257, 1500, 5000];

test('the keystream equals aes-128-ctr from an IV with its low 16 bits zero', () => {
  const key = randomBytes(16);
  const ctr = new AesCtrKeystream(createSecretKey(key));
  for (const length of LENGTHS) {
    const iv = randomBytes(16);
    iv[14] = 0;
    iv[15] = 0;
    const data = randomBytes(length);
    const expected = createCipheriv('aes-128-ctr', key, iv).update(data);
    const out = Buffer.alloc(length + 7);
    ctr.xor(iv, data, out, 7);
    assert.deepEqual(out.subarray(7), expected, `length ${length}`);
    // in place, and back again
    ctr.xor(iv, out.subarray(7), out, 7);
    assert.deepEqual(out.subarray(7), data, `length ${length} decrypted`);
  }
});

test('HMAC-SHA1 of two parts equals node:crypto Hmac over their concatenation', () => {
  for (const keyLength of [20, 64]) {
    const key = randomBytes(keyLength);
    const mac = new HmacSha1(key);
    for (const length of [0, ...LENGTHS]) {
      const a = randomBytes(length);
      const b = randomBytes(4);
      const expected = createHmac('sha1', key).update(a).update(b).digest();
      assert.deepEqual(mac.digest(a, b), expected, `key ${keyLength}, length ${length}`);
    }
  }
  assert.throws(() => new HmacSha1(Buffer.alloc(65)), /longer than one SHA-1 block/);
});
