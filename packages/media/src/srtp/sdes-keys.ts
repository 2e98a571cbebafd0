/**
 * SDES (RFC 4568) keys: from an a=crypto attribute to SRTP key material, and
 * fresh keys for the attributes we offer. Refused with `unsupported_media`
 * (SIP 488): unknown or NULL suites, session parameters that switch off
 * encryption or authentication, key derivation rates other than 0, several
 * keys or an MKI (we do not re-key by MKI). Key bytes never reach an error
 * message or a log.
 */
import { randomBytes } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import type { CryptoAttribute } from '../sdp/sdp-attributes.ts';
import { isSrtpSuiteName, srtpSuite } from './srtp-suites.ts';
import type { SrtpSuiteName } from './srtp-suites.ts';
import type { SrtpKeyMaterial } from './srtp-context.ts';

const REFUSED_SESSION_PARAMS =
  /^(UNENCRYPTED_SRTP|UNENCRYPTED_SRTCP|UNAUTHENTICATED_SRTP|KDR=[1-9]\d*)$/;

/** Strict base64, padding optional (several SDES peers, rtpengine included, omit it). */
function decodeBase64(text: string): Buffer | undefined {
  const bare = text.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]+$/.test(bare) || bare.length % 4 === 1) return undefined;
  if (bare.length !== text.length && text.length % 4 !== 0) return undefined;
  const raw = Buffer.from(bare, 'base64');
  return raw.toString('base64').replace(/=+$/, '') === bare ? raw : undefined;
}

function refuse(message: string, details?: Record<string, unknown>): never {
  throw new PalisadeError('unsupported_media', `SDES: ${message}`, details ? { details } : {});
}

/** The SRTP key material an a=crypto attribute carries. */
export function sdesKeyMaterial(crypto: CryptoAttribute): SrtpKeyMaterial {
  const suite = srtpSuite(crypto.suite);
  for (const p of crypto.sessionParams)
    if (REFUSED_SESSION_PARAMS.test(p))
      refuse('session parameter refused', { param: p.slice(0, 32) });
  if (crypto.keyParams.length !== 1) refuse('exactly one key is supported');
  const key = crypto.keyParams[0]!;
  if (key.mki !== undefined) refuse('MKI is not supported');
  if (key.lifetime !== undefined) {
    const lifetime = key.lifetime.startsWith('2^')
      ? 2 ** Number(key.lifetime.slice(2))
      : Number(key.lifetime);
    // We never re-key: a key that must be retired early cannot be honoured.
    if (!(lifetime >= 2 ** 31)) refuse('key lifetime shorter than 2^31 is not supported');
  }
  const raw = decodeBase64(key.keySalt);
  if (!raw) throw new PalisadeError('bad_request', 'SDES: key is not base64');
  if (raw.length !== suite.masterKeyLength + suite.masterSaltLength)
    throw new PalisadeError('bad_request', 'SDES: key has the wrong length for its suite');
  return {
    suite: suite.name,
    masterKey: raw.subarray(0, suite.masterKeyLength),
    masterSalt: raw.subarray(suite.masterKeyLength),
  };
}

/** The first offered a=crypto line we accept, in offer order; undefined when none is. */
export function chooseCrypto(
  offered: readonly CryptoAttribute[],
  accepted: readonly SrtpSuiteName[] = [
    'AEAD_AES_128_GCM',
    'AES_CM_128_HMAC_SHA1_80',
    'AES_CM_128_HMAC_SHA1_32',
  ],
): { readonly attribute: CryptoAttribute; readonly key: SrtpKeyMaterial } | undefined {
  for (const attribute of offered) {
    if (!isSrtpSuiteName(attribute.suite) || !accepted.includes(attribute.suite)) continue;
    try {
      return { attribute, key: sdesKeyMaterial(attribute) };
    } catch (err) {
      if (!(err instanceof PalisadeError)) throw err;
    }
  }
  return undefined;
}

/** A fresh random key for `suite`, and the a=crypto attribute announcing it under `tag`. */
export function createSdesKey(
  suite: SrtpSuiteName,
  tag = 1,
): { readonly attribute: CryptoAttribute; readonly key: SrtpKeyMaterial } {
  const s = srtpSuite(suite);
  const raw = randomBytes(s.masterKeyLength + s.masterSaltLength);
  return {
    attribute: { tag, suite, keyParams: [{ keySalt: raw.toString('base64') }], sessionParams: [] },
    key: {
      suite,
      masterKey: raw.subarray(0, s.masterKeyLength),
      masterSalt: raw.subarray(s.masterKeyLength),
    },
  };
}
