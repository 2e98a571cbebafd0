/**
 * DTLS-SRTP on one WebRTC leg (RFC 5763, RFC 5764), run in the relay worker
 * that owns the leg's port. The record layer and handshake are werift's; we
 * add what it leaves out:
 *
 * - the peer's certificate is checked against the a=fingerprint of its SDP;
 * - the peer's proof of possession of that certificate's key is verified
 *   (werift checks neither the client's CertificateVerify nor the server's
 *   ServerKeyExchange signature, so a fingerprint alone would prove nothing);
 * - only then are the SRTP keys exported (RFC 5764 §4.2,
 *   "EXTRACTOR-dtls_srtp") and handed to the relay's own SrtpContext.
 *
 * Any failure ends the leg: `onFailure` fires once and nothing is keyed.
 */
import { X509Certificate, verify } from 'node:crypto';
import { DtlsClient, DtlsServer, HashAlgorithm, SignatureAlgorithm, type DtlsSocket } from 'werift';
import type { Fingerprint } from '../sdp/sdp-attributes.ts';
import type { SrtpKeyMaterial } from '../srtp/srtp-context.ts';
import type { SrtpSuiteName } from '../srtp/srtp-suites.ts';
import { fingerprintMatches } from './dtls-certificate.ts';

export type DtlsRole = 'server' | 'client';

/** use_srtp protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2). */
const PROFILES: Readonly<Record<number, SrtpSuiteName>> = {
  0x0007: 'AEAD_AES_128_GCM',
  0x0001: 'AES_CM_128_HMAC_SHA1_80',
};
/** Our preference: GCM first (cheaper per packet here, and authenticated encryption). */
const PREFERENCE: readonly number[] = [0x0007, 0x0001];
const KEY_SALT: Readonly<Record<SrtpSuiteName, readonly [number, number]>> = {
  AEAD_AES_128_GCM: [16, 12],
  AES_CM_128_HMAC_SHA1_80: [16, 14],
  AES_CM_128_HMAC_SHA1_32: [16, 14],
};

export interface DtlsKeys {
  readonly suite: SrtpSuiteName;
  /** What we encrypt with (our write key). */
  readonly local: SrtpKeyMaterial;
  /** What we decrypt with (the peer's write key). */
  readonly remote: SrtpKeyMaterial;
}

export interface DtlsLegOptions {
  readonly role: DtlsRole;
  readonly certPem: string;
  readonly keyPem: string;
  readonly remoteFingerprint: Fingerprint;
  readonly send: (packet: Buffer) => void;
  readonly onKeys: (keys: DtlsKeys) => void;
  readonly onFailure: (reason: string) => void;
  /** Give up when the handshake has not finished by then (default 30 s). */
  readonly handshakeTimeoutMs?: number;
}

const HASH_NAMES: Readonly<Record<number, string>> = {
  2: 'sha1',
  4: 'sha256',
  5: 'sha384',
  6: 'sha512',
};
const HANDSHAKE = { serverKeyExchange: 12, certificateVerify: 15 } as const;

export class DtlsLeg {
  readonly #options: DtlsLegOptions;
  readonly #socket: DtlsSocket;
  readonly #timer: NodeJS.Timeout;
  /** werift installs its receiver as `onData` on the transport we give it. */
  readonly #transport: { onData: (data: Buffer) => void };
  #done = false;

  constructor(options: DtlsLegOptions) {
    this.#options = options;
    const transport = {
      type: 'udp',
      address: { port: 0, address: '', family: 'IPv4' },
      closed: false,
      onData: (_: Buffer): void => undefined,
      send: (data: Buffer): Promise<void> => {
        if (!this.#done) options.send(data);
        return Promise.resolve();
      },
      close: (): Promise<void> => Promise.resolve(),
    };
    const common = {
      transport: transport as never,
      cert: options.certPem,
      key: options.keyPem,
      signatureHash: { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 },
      srtpProfiles: [...PREFERENCE] as never,
      extendedMasterSecret: true,
    };
    this.#socket =
      options.role === 'server'
        ? new DtlsServer({ ...common, certificateRequest: true })
        : new DtlsClient(common);
    this.#transport = transport;
    this.#socket.onConnect.once(() => this.#connected());
    this.#socket.onError.once((e: unknown) =>
      this.#fail(`DTLS handshake failed: ${e instanceof Error ? e.message : 'error'}`),
    );
    this.#timer = setTimeout(
      () => this.#fail('DTLS handshake timed out'),
      options.handshakeTimeoutMs ?? 30_000,
    );
    this.#timer.unref();
    if (this.#socket instanceof DtlsClient)
      this.#socket.connect().catch(() => this.#fail('DTLS handshake failed'));
  }

  /** A DTLS record from the (ICE-verified) peer. */
  receive(packet: Buffer): void {
    if (this.#done) return;
    this.#transport.onData(packet);
  }

  close(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    try {
      this.#socket.close();
    } catch {
      // nothing to do: the transport is ours and closing it is a no-op
    }
  }

  #fail(reason: string): void {
    if (this.#done) return;
    this.close();
    this.#options.onFailure(reason);
  }

  #connected(): void {
    if (this.#done) return;
    const socket = this.#socket;
    const der = socket.remoteCertificate;
    if (!der) return this.#fail('peer sent no certificate');
    if (!fingerprintMatches(Buffer.from(der), this.#options.remoteFingerprint))
      return this.#fail('peer certificate does not match the SDP fingerprint');
    if (!this.#proofOfPossession(Buffer.from(der)))
      return this.#fail('peer did not prove it holds the certificate key');
    const profile = socket.srtp.srtpProfile;
    const suite = profile === undefined ? undefined : PROFILES[profile];
    if (!suite) return this.#fail('no SRTP protection profile negotiated');
    const [keyLen, saltLen] = KEY_SALT[suite];
    const k = socket.extractSessionKeys(keyLen, saltLen);
    clearTimeout(this.#timer);
    this.#done = true;
    this.#options.onKeys({
      suite,
      local: { suite, masterKey: Buffer.from(k.localKey), masterSalt: Buffer.from(k.localSalt) },
      remote: { suite, masterKey: Buffer.from(k.remoteKey), masterSalt: Buffer.from(k.remoteSalt) },
    });
  }

  /**
   * As server: the client's CertificateVerify signs every handshake message
   * before it. As client: the ServerKeyExchange signs both randoms and the
   * server's ECDH parameters (RFC 8422 §5.4).
   */
  #proofOfPossession(der: Buffer): boolean {
    try {
      const key = new X509Certificate(der).publicKey;
      const cache = this.#socket.dtls.sortedHandshakeCache;
      if (this.#options.role === 'server') {
        const at = cache.findIndex((h) => h.msg_type === HANDSHAKE.certificateVerify);
        const cv = cache[at];
        if (!cv) return false;
        const signed = Buffer.concat(cache.slice(0, at).map((h) => h.serialize()));
        return checkSignature(cv.fragment, 0, signed, key);
      }
      const ske = cache.find((h) => h.msg_type === HANDSHAKE.serverKeyExchange);
      if (!ske) return false;
      const f = ske.fragment;
      const paramsEnd = 4 + (f[3] ?? 0);
      const signed = Buffer.concat([
        this.#socket.cipher.localRandom.serialize(),
        this.#socket.cipher.remoteRandom.serialize(),
        f.subarray(0, paramsEnd),
      ]);
      return checkSignature(f, paramsEnd, signed, key);
    } catch {
      return false;
    }
  }
}

/** Reads `hash(1) signature(1) length(2) bytes` at `at` and verifies it over `data`. */
function checkSignature(
  f: Buffer,
  at: number,
  data: Buffer,
  key: X509Certificate['publicKey'],
): boolean {
  if (f.length < at + 4) return false;
  const hash = HASH_NAMES[f[at] as number];
  const alg = f[at + 1];
  const len = f.readUInt16BE(at + 2);
  if (!hash || (alg !== 1 && alg !== 3) || f.length !== at + 4 + len) return false;
  if ((alg === 3) !== (key.asymmetricKeyType === 'ec')) return false;
  return verify(hash, data, key, f.subarray(at + 4));
}
