import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import { parseCrypto } from '../sdp/sdp-attributes.ts';
import { chooseCrypto, createSdesKey, sdesKeyMaterial } from './sdes-keys.ts';
import { SrtpContext } from './srtp-context.ts';

const KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz'; // 30 bytes
const GCM_KEY = Buffer.alloc(28, 3).toString('base64');

test('an SDES inline key gives master key and salt', () => {
  const k = sdesKeyMaterial(parseCrypto(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31`));
  assert.equal(k.suite, 'AES_CM_128_HMAC_SHA1_80');
  assert.deepEqual(Buffer.concat([k.masterKey, k.masterSalt]), Buffer.from(KEY, 'base64'));
  const g = sdesKeyMaterial(parseCrypto(`2 AEAD_AES_128_GCM inline:${GCM_KEY}`));
  assert.equal(g.masterSalt.length, 12);
  // Padding is optional on the wire.
  const unpadded = sdesKeyMaterial(
    parseCrypto(`2 AEAD_AES_128_GCM inline:${GCM_KEY.replace(/=+$/, '')}`),
  );
  assert.deepEqual(unpadded.masterKey, g.masterKey);
});

test('NULL ciphers, MKI, short lifetimes, bad keys and disabling parameters are refused', () => {
  const refused = (line: string, code: 'unsupported_media' | 'bad_request'): void => {
    assert.throws(
      () => sdesKeyMaterial(parseCrypto(line)),
      (e: unknown) => isPalisadeError(e, code) && !e.message.includes(KEY),
      line,
    );
  };
  refused(`1 NULL_HMAC_SHA1_80 inline:${KEY}`, 'unsupported_media');
  refused(`1 AES_CM_128_NULL_AUTH inline:${KEY}`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:4`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1048576`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY};inline:${KEY}`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY} UNENCRYPTED_SRTP`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY} UNAUTHENTICATED_SRTP`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY} KDR=10`, 'unsupported_media');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY.slice(0, 36)}`, 'bad_request');
  refused(`1 AEAD_AES_128_GCM inline:${KEY}`, 'bad_request');
  refused(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY.slice(1)}`, 'bad_request');
  refused(`2 AEAD_AES_128_GCM inline:${GCM_KEY.slice(0, -1)}`, 'bad_request');
  refused(`2 AEAD_AES_128_GCM inline:${GCM_KEY.replace(/=+$/, '')}AA`, 'bad_request');
});

test('chooseCrypto takes the first acceptable offer; createSdesKey round-trips', () => {
  const offered = [
    parseCrypto(`1 AES_256_CM_HMAC_SHA1_80 inline:${KEY}`),
    parseCrypto(`2 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:4`),
    parseCrypto(`3 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`),
  ];
  assert.equal(chooseCrypto(offered)?.attribute.tag, 3);
  assert.equal(chooseCrypto(offered, ['AES_CM_128_HMAC_SHA1_80']), undefined);
  const fresh = createSdesKey('AEAD_AES_128_GCM', 5);
  const again = sdesKeyMaterial(fresh.attribute);
  assert.deepEqual(again.masterKey, fresh.key.masterKey);
  const a = new SrtpContext(fresh.key);
  const b = new SrtpContext(again);
  const pkt = Buffer.from('80000001000000a0deadbeef68656c6c6f', 'hex');
  assert.deepEqual(b.unprotectRtp(a.protectRtp(pkt)), pkt);
  assert.notEqual(
    createSdesKey('AES_CM_128_HMAC_SHA1_80').attribute.keyParams[0]?.keySalt,
    fresh.attribute.keyParams[0]?.keySalt,
  );
});
