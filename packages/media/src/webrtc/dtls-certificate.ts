/**
 * The engine's DTLS identity: a self-signed ECDSA P-256 certificate made at
 * engine start (werift's generator, over WebCrypto), and fingerprints of
 * certificates (RFC 8122) compared in constant time.
 */
import { X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import { CipherContext, HashAlgorithm, NamedCurveAlgorithm, SignatureAlgorithm } from 'werift';
import type { Fingerprint } from '../sdp/sdp-attributes.ts';

export interface DtlsCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 fingerprint for a=fingerprint. */
  readonly fingerprint: Fingerprint;
}

const HASHES: Readonly<Record<string, string>> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

export async function createDtlsCertificate(): Promise<DtlsCertificate> {
  const { certPem, keyPem } = await CipherContext.createSelfSignedCertificateWithKey(
    { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 },
    NamedCurveAlgorithm.secp256r1_23,
  );
  const der = new X509Certificate(certPem).raw;
  return { certPem, keyPem, fingerprint: certificateFingerprint(der, 'sha-256') };
}

export function certificateFingerprint(der: Buffer, hashFunction: string): Fingerprint {
  const alg = HASHES[hashFunction];
  if (!alg) throw new Error(`unsupported fingerprint hash ${hashFunction}`);
  const hex = createHash(alg).update(der).digest('hex').toUpperCase();
  return { hashFunction, value: hex.match(/../g)?.join(':') ?? '' };
}

/** True when the DER certificate matches the SDP fingerprint (unknown hash: false). */
export function fingerprintMatches(der: Buffer, expected: Fingerprint): boolean {
  const alg = HASHES[expected.hashFunction.toLowerCase()];
  if (!alg) return false;
  const actual = createHash(alg).update(der).digest();
  const want = Buffer.from(expected.value.replace(/:/g, ''), 'hex');
  return want.length === actual.length && timingSafeEqual(actual, want);
}
