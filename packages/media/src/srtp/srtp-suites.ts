/**
 * The SRTP crypto suites we speak (RFC 4568 §6.2, RFC 7714 §14.2). NULL
 * ciphers and NULL authentication are never accepted: a suite missing here
 * is refused, whatever the peer offers.
 */
import { PalisadeError } from '@palisade/common';

export type SrtpSuiteName =
  'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM';

export interface SrtpSuite {
  readonly name: SrtpSuiteName;
  readonly cipher: 'aes-cm' | 'aes-gcm';
  readonly masterKeyLength: number;
  readonly masterSaltLength: number;
  /** Session salt length: 14 for AES-CM, 12 for GCM. */
  readonly sessionSaltLength: number;
  readonly authKeyLength: number;
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
}

export const SRTP_SUITES: Readonly<Record<SrtpSuiteName, SrtpSuite>> = {
  AES_CM_128_HMAC_SHA1_80: {
    name: 'AES_CM_128_HMAC_SHA1_80',
    cipher: 'aes-cm',
    masterKeyLength: 16,
    masterSaltLength: 14,
    sessionSaltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
  },
  // RFC 4568 §6.2.2: the short tag applies to SRTP only; SRTCP keeps 80 bits.
  AES_CM_128_HMAC_SHA1_32: {
    name: 'AES_CM_128_HMAC_SHA1_32',
    cipher: 'aes-cm',
    masterKeyLength: 16,
    masterSaltLength: 14,
    sessionSaltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
  },
  AEAD_AES_128_GCM: {
    name: 'AEAD_AES_128_GCM',
    cipher: 'aes-gcm',
    masterKeyLength: 16,
    masterSaltLength: 12,
    sessionSaltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
  },
};

export function isSrtpSuiteName(name: string): name is SrtpSuiteName {
  return Object.hasOwn(SRTP_SUITES, name);
}

/** The suite of that name, or `unsupported_media` (NULL and unknown suites included). */
export function srtpSuite(name: string): SrtpSuite {
  if (!isSrtpSuiteName(name))
    throw new PalisadeError('unsupported_media', 'SRTP crypto suite not supported', {
      details: { suite: name.slice(0, 64) },
    });
  return SRTP_SUITES[name];
}
