/**
 * The hash arithmetic of HTTP Digest as SIP uses it (RFC 3261 §22.4, RFC 7616
 * §3.4.1, RFC 8760 §2.2): H, KD, HA1 and the request-digest, for the two
 * algorithms we offer. No `-sess` variants: SIP never used them and RFC 8760
 * does not ask for them.
 */
import { hash } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** Our order of preference: RFC 8760 §2.3 asks for the strongest challenge first. */
export const DIGEST_ALGORITHM_PREFERENCE: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

/** Length in hex characters of H(x) for each algorithm. */
export const DIGEST_HEX_LENGTH: Record<DigestAlgorithm, number> = { MD5: 32, 'SHA-256': 64 };

/** H(data): lowercase hex of the hash of the UTF-8 bytes (RFC 7616 §3.4.1). */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  // the one-shot hash: a fifth of the cost of createHash().update().digest()
  return hash(NODE_HASH[algorithm], data, 'hex');
}

/**
 * HA1 = H(username ":" realm ":" password): what the store keeps per user and
 * algorithm instead of the SIP secret itself (RFC 7616 §3.4.2).
 */
export function computeHa1(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/**
 * The algorithm parameter of credentials, matched case-insensitively as a
 * token. Absent means MD5 (RFC 7616 §3.3, RFC 3261 §22.4). Anything else,
 * including the `-sess` variants, is not supported and gives null.
 */
export function parseDigestAlgorithm(value: string | undefined): DigestAlgorithm | null {
  if (value === undefined) return 'MD5';
  switch (value.toUpperCase()) {
    case 'MD5':
      return 'MD5';
    case 'SHA-256':
      return 'SHA-256';
    default:
      return null;
  }
}

export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  /** Lowercase hex HA1 for this algorithm. */
  readonly ha1: string;
  readonly nonce: string;
  readonly method: string;
  /** The digest-uri as the client sent it (A2 uses it, RFC 7616 §3.4.3). */
  readonly uri: string;
  /** Present with qop=auth; absent only for RFC 2069-style credentials. */
  readonly qop?: { readonly nc: string; readonly cnonce: string };
}

/**
 * The expected `response` parameter:
 *   with qop=auth:  KD(HA1, nonce ":" nc ":" cnonce ":" "auth" ":" H(A2))
 *   without qop:    KD(HA1, nonce ":" H(A2))        (RFC 2069 compatibility)
 * where A2 = method ":" digest-uri and KD(s, d) = H(s ":" d).
 */
export function computeDigestResponse(input: DigestResponseInput): string {
  const ha2 = ha2Of(input.algorithm, input.method, input.uri);
  const middle = input.qop
    ? `${input.nonce}:${input.qop.nc}:${input.qop.cnonce}:auth`
    : input.nonce;
  return digestHash(input.algorithm, `${input.ha1}:${middle}:${ha2}`);
}

/** H(A2) for the method and digest-uri pairs seen lately: a handful, asked on every request. */
const ha2s = new Map<string, string>();

function ha2Of(algorithm: DigestAlgorithm, method: string, uri: string): string {
  const a2 = `${method}:${uri}`;
  const key = `${algorithm}\n${a2}`;
  let ha2 = ha2s.get(key);
  if (ha2 === undefined) {
    ha2 = digestHash(algorithm, a2);
    if (ha2s.size >= 1024) ha2s.clear();
    ha2s.set(key, ha2);
  }
  return ha2;
}
