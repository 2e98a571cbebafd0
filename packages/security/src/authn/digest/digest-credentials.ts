/**
 * Checks the shape of the parameters of an `Authorization` /
 * `Proxy-Authorization` Digest header, already parsed (and unquoted) by the
 * SIP layer into a plain object. Only shape: nothing here depends on whether
 * the user exists, so a refusal at this stage says nothing about accounts.
 */
import { DIGEST_HEX_LENGTH, parseDigestAlgorithm } from './digest-algorithm.ts';
import type { DigestAlgorithm } from './digest-algorithm.ts';

export type DigestParams = Readonly<Record<string, string | undefined>>;

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  /** Lowercase hex. */
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  /** Present when the client used qop=auth. */
  readonly qop: { readonly nc: string; readonly ncValue: number; readonly cnonce: string } | null;
  readonly opaque: string | undefined;
}

export type CredentialsProblem = 'malformed' | 'algorithm';

export const DIGEST_LIMITS = {
  params: 32,
  nameLength: 32,
  valueLength: 2048,
  usernameLength: 256,
  cnonceLength: 256,
} as const;

const NC_PATTERN = /^[0-9a-fA-F]{8}$/;

/** Lower-cases parameter names (they are case-insensitive) and enforces size limits. */
function normalise(params: DigestParams): Map<string, string> | null {
  const out = new Map<string, string>();
  let n = 0;
  for (const name in params) {
    if (!Object.hasOwn(params, name)) continue;
    if (++n > DIGEST_LIMITS.params) return null;
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return null;
    if (name.length > DIGEST_LIMITS.nameLength || value.length > DIGEST_LIMITS.valueLength)
      return null;
    const key = name.toLowerCase();
    if (out.has(key)) return null; // a repeated parameter is ambiguous
    out.set(key, value);
  }
  return out;
}

export function readDigestCredentials(
  params: DigestParams,
  offered: readonly DigestAlgorithm[],
  requireQop: boolean,
):
  | { readonly ok: true; readonly credentials: DigestCredentials }
  | {
      readonly ok: false;
      readonly reason: CredentialsProblem;
    } {
  const malformed = { ok: false, reason: 'malformed' } as const;
  const p = normalise(params);
  if (!p) return malformed;
  const username = p.get('username');
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const uri = p.get('uri');
  const response = p.get('response');
  if (!username || realm === undefined || !nonce || !uri || !response) return malformed;
  if (username.length > DIGEST_LIMITS.usernameLength) return malformed;
  // userhash and username* (RFC 7616 §3.4.4) are not supported: a hashed or
  // encoded name would be looked up as a literal one, so refuse them.
  if (p.get('userhash')?.toLowerCase() === 'true' || p.has('username*')) return malformed;

  const algorithm = parseDigestAlgorithm(p.get('algorithm'));
  if (algorithm === null || !offered.includes(algorithm)) return { ok: false, reason: 'algorithm' };
  if (response.length !== DIGEST_HEX_LENGTH[algorithm] || !/^[0-9a-fA-F]+$/.test(response))
    return malformed;

  const qopValue = p.get('qop');
  let qop: DigestCredentials['qop'] = null;
  if (qopValue === undefined) {
    if (requireQop) return malformed;
  } else {
    // Only qop=auth: auth-int (a hash of the body) is not implemented, and we
    // never offer it (RFC 7616 §3.4: the client must pick an offered value).
    if (qopValue.toLowerCase() !== 'auth') return malformed;
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    if (nc === undefined || !NC_PATTERN.test(nc)) return malformed;
    if (!cnonce || cnonce.length > DIGEST_LIMITS.cnonceLength) return malformed;
    const ncValue = Number.parseInt(nc, 16);
    if (ncValue === 0) return malformed; // the count starts at 00000001
    qop = { nc, ncValue, cnonce };
  }
  return {
    ok: true,
    credentials: {
      username,
      realm,
      nonce,
      uri,
      response: response.toLowerCase(),
      algorithm,
      qop,
      opaque: p.get('opaque'),
    },
  };
}

/**
 * The algorithm the credentials use (absent means MD5), so the caller can
 * fetch the matching HA1 before `verify`; null when we do not support it.
 */
export function digestAlgorithmOf(params: DigestParams): DigestAlgorithm | null {
  const p = normalise(params);
  if (!p) return null;
  return parseDigestAlgorithm(p.get('algorithm'));
}
