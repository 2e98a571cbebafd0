/**
 * Server side of SIP Digest authentication (RFC 3261 §22, RFC 7616,
 * RFC 8760): builds challenges and verifies credentials. It knows nothing of
 * SIP syntax: the SIP layer parses the Authorization header into a plain
 * object and formats the challenges we return.
 *
 * Account privacy: a challenge never depends on the user, and an unknown user
 * goes through the same computation as a wrong password (against a dummy
 * HA1), so the peer sees the same answer for both. `reason` is for our log
 * and intrusion detector only and must not reach the peer.
 *
 * Verification order (each step depends only on what came before it):
 *   1. shape of the parameters ............ malformed | algorithm
 *   2. realm, opaque, digest-uri ........... malformed
 *   3. nonce MAC and issue time ............ bad-nonce
 *   4. response vs H(...) with the stored
 *      HA1, or the dummy HA1 ............... unknown-user | bad-response
 *   5. nonce age ........................... stale (stale=true)
 *   6. nonce count ......................... replay / forgotten (stale=true)
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PalisadeError, systemClock } from '@palisade/common';
import type { Clock } from '@palisade/common';
import {
  DIGEST_ALGORITHM_PREFERENCE,
  DIGEST_HEX_LENGTH,
  computeDigestResponse,
} from './digest-algorithm.ts';
import type { DigestAlgorithm, DigestResponseInput } from './digest-algorithm.ts';
import { constantTimeEqual } from '../../crypto/constant-time-equal.ts';
import { readDigestCredentials } from './digest-credentials.ts';
import type { DigestParams } from './digest-credentials.ts';
import { DigestNonceCodec } from './digest-nonce.ts';
import { NonceCountTracker } from './nonce-count-tracker.ts';

export interface DigestAuthenticatorOptions {
  /** At least 32 random bytes; the same key on every node of a cluster. */
  readonly secretKey: Uint8Array;
  readonly clock?: Clock;
  /** How long a nonce stays usable; default 300 s. */
  readonly nonceLifetimeSeconds?: number;
  /** Algorithms to offer; default both. Challenges always list SHA-256 first. */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Refuse credentials without qop=auth (RFC 2069 style); default true. */
  readonly requireQop?: boolean;
  /** Nonces whose counts are remembered at once; default 10 000. */
  readonly maxTrackedNonces?: number;
  /**
   * Whether the digest-uri matches the Request-URI (RFC 7616 §3.4.6).
   * Default: the same string.
   */
  readonly uriMatches?: (digestUri: string, requestUri: string) => boolean;
  /** Computes the expected response; tests replace it to observe the calls. */
  readonly computeResponse?: (input: DigestResponseInput) => string;
}

/** One challenge, as parameters; the SIP layer formats it as a header. */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string;
  readonly algorithm: DigestAlgorithm;
  readonly qop: 'auth';
  readonly stale: boolean;
}

export type DigestFailureReason =
  'stale' | 'bad-response' | 'unknown-user' | 'replay' | 'bad-nonce' | 'malformed' | 'algorithm';

export interface DigestVerifyInput {
  /** The request method (A2 = method ":" digest-uri). */
  readonly method: string;
  /** The Request-URI of the request, as a string. */
  readonly uri: string;
  /** The realm we expect (the domain the request is for). */
  readonly realm: string;
  /** The parsed, unquoted parameters of the Digest credentials. */
  readonly params: DigestParams;
  /**
   * The stored HA1 for `params.username`, this realm and the algorithm the
   * credentials use (see `digestAlgorithmOf`), or null if there is no such user.
   */
  readonly ha1: string | null;
}

export type DigestVerifyResult =
  | {
      readonly ok: true;
      readonly username: string;
      readonly algorithm: DigestAlgorithm;
    }
  | {
      readonly ok: false;
      /** For logs and intrusion detection only; never sent to the peer. */
      readonly reason: DigestFailureReason;
      /** Send the fresh challenges with stale=true (the client knew the secret). */
      readonly stale: boolean;
    };

const MIN_KEY_BYTES = 32;
/** Realms whose opaque is kept (a realm is a tenant's SIP domain; an unknown one is refused earlier, but bound it anyway). */
const OPAQUE_CACHE = 1024;
/** Tolerance for a nonce "issued in the future" after a small clock step back. */
const CLOCK_SKEW_MS = 30_000;

export class DigestAuthenticator {
  readonly #opaqueKey: KeyObject;
  readonly #nonces: DigestNonceCodec;
  readonly #clock: Clock;
  readonly #lifetimeMs: number;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #requireQop: boolean;
  readonly #tracker: NonceCountTracker;
  readonly #uriMatches: (digestUri: string, requestUri: string) => boolean;
  readonly #computeResponse: (input: DigestResponseInput) => string;
  readonly #dummyHa1: Record<DigestAlgorithm, string>;
  /** Opaque per realm: an HMAC, worked out once (at most OPAQUE_CACHE realms kept). */
  readonly #opaques = new Map<string, string>();

  constructor(options: DigestAuthenticatorOptions) {
    if (!(options.secretKey instanceof Uint8Array) || options.secretKey.length < MIN_KEY_BYTES)
      throw new PalisadeError(
        'config_invalid',
        `digest secret key must be ≥ ${MIN_KEY_BYTES} bytes`,
      );
    const lifetime = options.nonceLifetimeSeconds ?? 300;
    if (!Number.isInteger(lifetime) || lifetime < 10 || lifetime > 86_400)
      throw new PalisadeError('config_invalid', 'nonce lifetime must be 10 to 86400 seconds');
    const wanted = options.algorithms ?? DIGEST_ALGORITHM_PREFERENCE;
    const algorithms = DIGEST_ALGORITHM_PREFERENCE.filter((a) => wanted.includes(a));
    if (algorithms.length === 0 || wanted.some((a) => !algorithms.includes(a)))
      throw new PalisadeError('config_invalid', 'digest algorithms must be MD5 and/or SHA-256');
    const capacity = options.maxTrackedNonces ?? 10_000;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new PalisadeError('config_invalid', 'maxTrackedNonces must be a positive integer');

    // Separate keys for separate jobs, derived from the one configured.
    this.#nonces = new DigestNonceCodec(subkey(options.secretKey, 'nonce'));
    this.#opaqueKey = subkey(options.secretKey, 'opaque');
    this.#clock = options.clock ?? systemClock;
    this.#lifetimeMs = lifetime * 1000;
    this.#algorithms = algorithms;
    this.#requireQop = options.requireQop ?? true;
    this.#tracker = new NonceCountTracker(capacity);
    this.#uriMatches = options.uriMatches ?? ((a, b) => a === b);
    this.#computeResponse = options.computeResponse ?? computeDigestResponse;
    this.#dummyHa1 = {
      MD5: randomBytes(DIGEST_HEX_LENGTH.MD5 / 2).toString('hex'),
      'SHA-256': randomBytes(DIGEST_HEX_LENGTH['SHA-256'] / 2).toString('hex'),
    };
  }

  /** The algorithms offered, most preferred first. */
  get algorithms(): readonly DigestAlgorithm[] {
    return this.#algorithms;
  }

  /**
   * Fresh challenges for `realm`, one per algorithm, SHA-256 first
   * (RFC 8760 §2.3). They depend on nothing but the realm, the time and
   * randomness: never on who asked.
   */
  challenges(realm: string, options: { readonly stale?: boolean } = {}): DigestChallenge[] {
    const now = this.#clock.now();
    const opaque = this.#opaque(realm);
    return this.#algorithms.map((algorithm) => ({
      realm,
      nonce: this.#nonces.issue(realm, now),
      opaque,
      algorithm,
      qop: 'auth',
      stale: options.stale ?? false,
    }));
  }

  verify(input: DigestVerifyInput): DigestVerifyResult {
    const read = readDigestCredentials(input.params, this.#algorithms, this.#requireQop);
    if (!read.ok) return fail(read.reason);
    const c = read.credentials;

    if (c.realm !== input.realm) return fail('malformed');
    // RFC 7616 §3.4: the client returns opaque unchanged. It is derived from
    // the realm, so a mismatch means credentials made for another realm.
    if (c.opaque !== undefined && c.opaque !== this.#opaque(input.realm)) return fail('malformed');
    // RFC 7616 §3.4.6, RFC 3261 §22.4: the digest-uri must be the Request-URI,
    // or a response captured for one request could authorise another.
    if (!this.#uriMatches(c.uri, input.uri)) return fail('malformed');

    const opened = this.#nonces.open(c.nonce, input.realm);
    const now = this.#clock.now();
    if (!opened || opened.issuedAtMs > now + CLOCK_SKEW_MS) return fail('bad-nonce');

    // Same work whether or not the user exists: the dummy HA1 stands in.
    const expected = this.#computeResponse({
      algorithm: c.algorithm,
      ha1: this.#checkedHa1(input.ha1, c.algorithm),
      nonce: c.nonce,
      method: input.method,
      uri: c.uri,
      ...(c.qop ? { qop: { nc: c.qop.nc, cnonce: c.qop.cnonce } } : {}),
    });
    const matches = constantTimeEqual(expected, c.response);
    if (input.ha1 === null) return fail('unknown-user');
    if (!matches) return fail('bad-response');

    // The client knows the secret from here on, so stale=true is safe to say
    // and spares it a prompt (RFC 7616 §3.3, stale).
    const expiresAtMs = opened.issuedAtMs + this.#lifetimeMs;
    if (now > expiresAtMs) return fail('stale', true);

    // Without qop there is no count: such a nonce may be used once.
    const outcome = this.#tracker.accept(
      c.nonce,
      c.qop?.ncValue ?? 1,
      opened.issuedAtMs,
      expiresAtMs,
      now,
    );
    switch (outcome) {
      case 'accepted':
        return { ok: true, username: c.username, algorithm: c.algorithm };
      case 'replay':
        return fail('replay', true);
      case 'forgotten':
        return fail('stale', true);
    }
  }

  #checkedHa1(ha1: string | null, algorithm: DigestAlgorithm): string {
    if (ha1 === null) return this.#dummyHa1[algorithm];
    const lower = ha1.toLowerCase();
    // A stored HA1 of the wrong shape is a bug in the caller or the store.
    if (lower.length !== DIGEST_HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(lower))
      throw new TypeError(`stored HA1 is not ${algorithm} hex`);
    return lower;
  }

  #opaque(realm: string): string {
    let opaque = this.#opaques.get(realm);
    if (opaque === undefined) {
      opaque = createHmac('sha256', this.#opaqueKey)
        .update(realm, 'utf8')
        .digest()
        .subarray(0, 18)
        .toString('base64url');
      if (this.#opaques.size >= OPAQUE_CACHE) this.#opaques.clear();
      this.#opaques.set(realm, opaque);
    }
    return opaque;
  }
}

function subkey(secret: Uint8Array, purpose: string): KeyObject {
  return createSecretKey(
    createHmac('sha256', secret).update(`palisade digest ${purpose}`).digest(),
  );
}

function fail(reason: DigestFailureReason, stale = false): DigestVerifyResult {
  return { ok: false, reason, stale };
}
