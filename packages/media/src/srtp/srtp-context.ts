/**
 * One SRTP/SRTCP cryptographic context (RFC 3711 §3.2) for one direction of
 * one leg: protect what we send, or unprotect what we receive.
 *
 * Receive path, in this order (RFC 3711 §3.3): parse the header, estimate the
 * index (ROC, Appendix A), refuse replays already known, verify the
 * authentication tag, and only then decrypt and update ROC and the replay
 * window. A packet that fails changes nothing.
 *
 * Hot-path cost: session keys are KeyObjects made once (createCipheriv with a
 * cached KeyObject is ~5x cheaper than with a Buffer key); for AES-CM the
 * block cipher and the HMAC pads are kept too, so no cipher or Hmac object
 * is made per packet (aes-ctr-keystream.ts, hmac-sha1.ts). IV and ROC
 * buffers are reused. A packet costs its output buffer and what Node's
 * crypto calls allocate (the keystream, two digests; GCM's cipher object).
 */
import { createCipheriv, createDecipheriv, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AesCtrKeystream } from './aes-ctr-keystream.ts';
import { HmacSha1 } from './hmac-sha1.ts';
import { LABEL, deriveSessionKey } from './key-derivation.ts';
import { ReplayWindow } from './replay-window.ts';
import { readUint32, rtpHeaderLength } from './rtp-header.ts';
import { writeCtrIv, writeCtrRtcpIv, writeGcmIv, writeGcmRtcpIv } from './srtp-iv.ts';
import { srtpSuite } from './srtp-suites.ts';
import type { SrtpSuite, SrtpSuiteName } from './srtp-suites.ts';

export interface SrtpKeyMaterial {
  readonly suite: SrtpSuiteName;
  /** Secret: never log. */
  readonly masterKey: Uint8Array;
  /** Secret: never log. */
  readonly masterSalt: Uint8Array;
}

export interface SrtpContextOptions {
  /** Replay window in packets (default 128, at least 64). */
  readonly replayWindow?: number;
  /** Most SSRCs tracked per context, bounding memory (default 32). */
  readonly maxStreams?: number;
}

/** Why an incoming packet was dropped. */
export type SrtpFailure = 'malformed' | 'auth_failed' | 'replayed' | 'too_many_streams';

interface ReceiveStream {
  roc: number;
  seq: number;
  readonly window: ReplayWindow;
}

interface SendStream {
  roc: number;
  seq: number;
  /** Indices already sent: a keystream (IV) must never be used twice. */
  readonly used: ReplayWindow;
}

interface DirectionKeys {
  readonly key: KeyObject;
  readonly salt: Buffer;
  /** AES-CM suites only: the keystream and the authentication tag. */
  readonly ctr: AesCtrKeystream | undefined;
  readonly mac: HmacSha1 | undefined;
}

/** Already-derived session keys (secrets), e.g. for RFC 7714's test vectors. */
export interface SrtpSessionKeys {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
  readonly auth?: Uint8Array;
}

const RTCP_HEADER = 8;
const SRTCP_INDEX_LENGTH = 4;
const SRTCP_E_FLAG = 0x80000000;
const SRTCP_INDEX_MAX = 0x7fffffff;
const NOTHING = new Uint8Array(0);

/**
 * RFC 3711 Appendix A: the ROC a sequence number most likely belongs to,
 * given the highest sequence number seen (`seq`) and its ROC.
 */
export function estimateRoc(roc: number, lastSeq: number, seq: number): number {
  if (lastSeq < 32768) return seq - lastSeq > 32768 ? roc - 1 : roc;
  return lastSeq - 32768 > seq ? roc + 1 : roc;
}

export class SrtpContext {
  readonly suite: SrtpSuite;
  #rtp: DirectionKeys;
  #rtcp: DirectionKeys;
  readonly #windowSize: number;
  readonly #maxStreams: number;
  readonly #iv = Buffer.alloc(16);
  readonly #iv12 = Buffer.alloc(12);
  readonly #roc = Buffer.alloc(4);
  readonly #received = new Map<number, ReceiveStream>();
  readonly #sent = new Map<number, SendStream>();
  readonly #rtcpReceived = new Map<number, ReplayWindow>();
  readonly #rtcpSent = new Map<number, number>();

  /** A context keyed from SDES or DTLS-SRTP master key material (RFC 3711 §4.3). */
  constructor(material: SrtpKeyMaterial, options: SrtpContextOptions = {}) {
    const s = srtpSuite(material.suite);
    if (
      material.masterKey.length !== s.masterKeyLength ||
      material.masterSalt.length !== s.masterSaltLength
    )
      throw new RangeError(
        `${s.name} needs a ${s.masterKeyLength}-byte key and ${s.masterSaltLength}-byte salt`,
      );
    const derive = (label: number, length: number): Buffer =>
      deriveSessionKey(material.masterKey, material.masterSalt, label, length);
    const keys = (enc: number, auth: number, salt: number): SrtpSessionKeys => ({
      key: derive(enc, s.masterKeyLength),
      salt: derive(salt, s.sessionSaltLength),
      ...(s.authKeyLength > 0 ? { auth: derive(auth, s.authKeyLength) } : {}),
    });
    this.suite = s;
    this.#rtp = SrtpContext.#keys(
      s,
      keys(LABEL.rtpEncryption, LABEL.rtpAuthentication, LABEL.rtpSalt),
    );
    this.#rtcp = SrtpContext.#keys(
      s,
      keys(LABEL.rtcpEncryption, LABEL.rtcpAuthentication, LABEL.rtcpSalt),
    );
    this.#windowSize = options.replayWindow ?? 128;
    this.#maxStreams = options.maxStreams ?? 32;
    new ReplayWindow(this.#windowSize); // validates the size once, here
  }

  /** A context from session keys derived elsewhere (the same keys for SRTP and SRTCP unless given). */
  static fromSessionKeys(
    suite: SrtpSuiteName,
    rtp: SrtpSessionKeys,
    rtcp: SrtpSessionKeys = rtp,
    options: SrtpContextOptions = {},
  ): SrtpContext {
    const ctx = new SrtpContext(
      {
        suite,
        masterKey: Buffer.alloc(16),
        masterSalt: Buffer.alloc(srtpSuite(suite).masterSaltLength),
      },
      options,
    );
    ctx.#rtp = SrtpContext.#keys(ctx.suite, rtp);
    ctx.#rtcp = SrtpContext.#keys(ctx.suite, rtcp);
    return ctx;
  }

  static #keys(s: SrtpSuite, k: SrtpSessionKeys): DirectionKeys {
    if (k.key.length !== s.masterKeyLength || k.salt.length !== s.sessionSaltLength)
      throw new RangeError(`${s.name} session key or salt has the wrong length`);
    if (s.authKeyLength > 0 && k.auth?.length !== s.authKeyLength)
      throw new RangeError(`${s.name} needs a ${s.authKeyLength}-byte authentication key`);
    const key = createSecretKey(k.key);
    const ctr = s.cipher === 'aes-cm';
    return {
      key,
      salt: Buffer.from(k.salt),
      ctr: ctr ? new AesCtrKeystream(key) : undefined,
      mac: ctr && k.auth ? new HmacSha1(k.auth) : undefined,
    };
  }

  /**
   * Encrypts and authenticates an RTP packet; returns a new buffer. Throws
   * RangeError (the caller drops the packet) for a non-RTP packet, an index
   * already protected (a repeat would reuse keystream), or one SSRC too many.
   */
  protectRtp(packet: Uint8Array): Buffer {
    const hdr = rtpHeaderLength(packet);
    if (hdr < 0) throw new RangeError('not an RTP packet');
    const ssrc = readUint32(packet, 8);
    const seq = ((packet[2] as number) << 8) | (packet[3] as number);
    let stream = this.#sent.get(ssrc);
    if (!stream) {
      // Forgetting a stream would restart its ROC and reuse keystream: refuse instead.
      if (this.#sent.size >= this.#maxStreams)
        throw new RangeError('too many SSRCs in this context');
      stream = { roc: 0, seq, used: new ReplayWindow(this.#windowSize) };
      this.#sent.set(ssrc, stream);
    }
    const roc = estimateRoc(stream.roc, stream.seq, seq);
    const index = roc * 65536 + seq;
    // A repeated or too old sequence number would repeat an IV (RFC 3711 §9.1).
    if (roc < 0 || !stream.used.isFresh(index))
      throw new RangeError('RTP packet index already used');
    stream.used.accept(index);
    if (roc > stream.roc) {
      stream.roc = roc;
      stream.seq = seq;
    } else if (roc === stream.roc && seq > stream.seq) stream.seq = seq;

    const tagLen = this.suite.rtpTagLength;
    const bodyLen = packet.length - hdr;
    const out = Buffer.allocUnsafe(packet.length + tagLen);
    out.set(packet.subarray(0, hdr), 0);
    const header = out.subarray(0, hdr);
    const payload = packet.subarray(hdr);
    if (this.suite.cipher === 'aes-gcm') {
      const cipher = createCipheriv(
        'aes-128-gcm',
        this.#rtp.key,
        writeGcmIv(this.#iv12, this.#rtp.salt, ssrc, roc, seq),
        {
          authTagLength: 16,
        },
      );
      cipher.setAAD(header);
      out.set(cipher.update(payload), hdr);
      cipher.final();
      out.set(cipher.getAuthTag(), hdr + bodyLen);
      return out;
    }
    const keys = this.#rtp;
    (keys.ctr as AesCtrKeystream).xor(
      writeCtrIv(this.#iv, keys.salt, ssrc, roc, seq),
      payload,
      out,
      hdr,
    );
    this.#roc.writeUInt32BE(roc, 0);
    const mac = (keys.mac as HmacSha1).digest(out.subarray(0, hdr + bodyLen), this.#roc);
    mac.copy(out, hdr + bodyLen, 0, tagLen);
    return out;
  }

  /** Verifies and decrypts an SRTP packet; a failure reason when it must be dropped. */
  unprotectRtp(packet: Uint8Array): Buffer | SrtpFailure {
    const tagLen = this.suite.rtpTagLength;
    const hdr = rtpHeaderLength(packet);
    if (hdr < 0 || packet.length < hdr + tagLen) return 'malformed';
    const ssrc = readUint32(packet, 8);
    const seq = ((packet[2] as number) << 8) | (packet[3] as number);
    const known = this.#received.get(ssrc);
    if (!known && this.#received.size >= this.#maxStreams) return 'too_many_streams';
    const roc = known ? estimateRoc(known.roc, known.seq, seq) : 0;
    if (roc < 0) return 'replayed';
    const index = roc * 65536 + seq;
    if (known && !known.window.isFresh(index)) return 'replayed';

    const bodyEnd = packet.length - tagLen;
    let plain: Buffer;
    if (this.suite.cipher === 'aes-gcm') {
      const decipher = createDecipheriv(
        'aes-128-gcm',
        this.#rtp.key,
        writeGcmIv(this.#iv12, this.#rtp.salt, ssrc, roc, seq),
        {
          authTagLength: 16,
        },
      );
      decipher.setAuthTag(packet.subarray(bodyEnd));
      decipher.setAAD(packet.subarray(0, hdr));
      const body = decipher.update(packet.subarray(hdr, bodyEnd));
      try {
        decipher.final(); // verifies the tag; the plaintext is released only if it holds
      } catch {
        return 'auth_failed';
      }
      plain = Buffer.allocUnsafe(bodyEnd);
      plain.set(packet.subarray(0, hdr), 0);
      plain.set(body, hdr);
    } else {
      const keys = this.#rtp;
      this.#roc.writeUInt32BE(roc, 0);
      const mac = (keys.mac as HmacSha1).digest(packet.subarray(0, bodyEnd), this.#roc);
      if (!timingSafeEqual(mac.subarray(0, tagLen), packet.subarray(bodyEnd))) return 'auth_failed';
      plain = Buffer.allocUnsafe(bodyEnd);
      plain.set(packet.subarray(0, hdr), 0);
      (keys.ctr as AesCtrKeystream).xor(
        writeCtrIv(this.#iv, keys.salt, ssrc, roc, seq),
        packet.subarray(hdr, bodyEnd),
        plain,
        hdr,
      );
    }

    // Authenticated: now, and only now, update the stream state.
    if (!known) {
      const window = new ReplayWindow(this.#windowSize);
      window.accept(index);
      this.#received.set(ssrc, { roc, seq, window });
    } else {
      known.window.accept(index);
      if (roc > known.roc) {
        known.roc = roc;
        known.seq = seq;
      } else if (roc === known.roc && seq > known.seq) known.seq = seq;
    }
    return plain;
  }

  /** Encrypts and authenticates an RTCP compound packet (RFC 3711 §3.4). */
  protectRtcp(packet: Uint8Array): Buffer {
    if (packet.length < RTCP_HEADER || (packet[0] as number) >> 6 !== 2)
      throw new RangeError('not an RTCP packet');
    const ssrc = readUint32(packet, 4);
    if (!this.#rtcpSent.has(ssrc) && this.#rtcpSent.size >= this.#maxStreams)
      throw new RangeError('too many SSRCs in this context');
    const index = this.#rtcpSent.get(ssrc) ?? 0;
    // Wrapping would reuse keystream; RFC 3711 §9.2 requires re-keying first.
    if (index > SRTCP_INDEX_MAX) throw new RangeError('SRTCP index exhausted: re-key');
    this.#rtcpSent.set(ssrc, index + 1);
    const eIndex = (SRTCP_E_FLAG | index) >>> 0;
    const tagLen = this.suite.rtcpTagLength;
    const out = Buffer.allocUnsafe(packet.length + SRTCP_INDEX_LENGTH + tagLen);
    out.set(packet.subarray(0, RTCP_HEADER), 0);
    const payload = packet.subarray(RTCP_HEADER);
    if (this.suite.cipher === 'aes-gcm') {
      // RFC 7714 §9: header || ciphertext || tag || E+index; AAD = header || E+index.
      const cipher = createCipheriv(
        'aes-128-gcm',
        this.#rtcp.key,
        writeGcmRtcpIv(this.#iv12, this.#rtcp.salt, ssrc, index),
        {
          authTagLength: 16,
        },
      );
      out.writeUInt32BE(eIndex, out.length - SRTCP_INDEX_LENGTH);
      cipher.setAAD(
        Buffer.concat([
          out.subarray(0, RTCP_HEADER),
          out.subarray(out.length - SRTCP_INDEX_LENGTH),
        ]),
      );
      out.set(cipher.update(payload), RTCP_HEADER);
      cipher.final();
      out.set(cipher.getAuthTag(), packet.length);
      return out;
    }
    const keys = this.#rtcp;
    (keys.ctr as AesCtrKeystream).xor(
      writeCtrRtcpIv(this.#iv, keys.salt, ssrc, index),
      payload,
      out,
      RTCP_HEADER,
    );
    out.writeUInt32BE(eIndex, packet.length);
    const mac = (keys.mac as HmacSha1).digest(
      out.subarray(0, packet.length + SRTCP_INDEX_LENGTH),
      NOTHING,
    );
    mac.copy(out, packet.length + SRTCP_INDEX_LENGTH, 0, tagLen);
    return out;
  }

  /** Verifies and decrypts an SRTCP packet; a failure reason when it must be dropped. */
  unprotectRtcp(packet: Uint8Array): Buffer | SrtpFailure {
    const tagLen = this.suite.rtcpTagLength;
    if (
      packet.length < RTCP_HEADER + SRTCP_INDEX_LENGTH + tagLen ||
      (packet[0] as number) >> 6 !== 2
    )
      return 'malformed';
    const ssrc = readUint32(packet, 4);
    const gcm = this.suite.cipher === 'aes-gcm';
    const indexAt = gcm
      ? packet.length - SRTCP_INDEX_LENGTH
      : packet.length - tagLen - SRTCP_INDEX_LENGTH;
    const eIndex = readUint32(packet, indexAt);
    const encrypted = (eIndex & SRTCP_E_FLAG) !== 0;
    const index = eIndex & SRTCP_INDEX_MAX;
    const window = this.#rtcpReceived.get(ssrc);
    if (!window && this.#rtcpReceived.size >= this.#maxStreams) return 'too_many_streams';
    if (window && !window.isFresh(index)) return 'replayed';

    let plain: Buffer;
    if (gcm) {
      const bodyEnd = indexAt - tagLen;
      const decipher = createDecipheriv(
        'aes-128-gcm',
        this.#rtcp.key,
        writeGcmRtcpIv(this.#iv12, this.#rtcp.salt, ssrc, index),
        {
          authTagLength: 16,
        },
      );
      decipher.setAuthTag(packet.subarray(bodyEnd, indexAt));
      const trailer = packet.subarray(indexAt);
      if (encrypted) {
        decipher.setAAD(Buffer.concat([packet.subarray(0, RTCP_HEADER), trailer]));
        const body = decipher.update(packet.subarray(RTCP_HEADER, bodyEnd));
        try {
          decipher.final();
        } catch {
          return 'auth_failed';
        }
        plain = Buffer.allocUnsafe(bodyEnd);
        plain.set(packet.subarray(0, RTCP_HEADER), 0);
        plain.set(body, RTCP_HEADER);
      } else {
        decipher.setAAD(Buffer.concat([packet.subarray(0, bodyEnd), trailer]));
        try {
          decipher.final();
        } catch {
          return 'auth_failed';
        }
        plain = Buffer.from(packet.subarray(0, bodyEnd));
      }
    } else {
      const keys = this.#rtcp;
      const tagAt = packet.length - tagLen;
      const mac = (keys.mac as HmacSha1).digest(packet.subarray(0, tagAt), NOTHING);
      if (!timingSafeEqual(mac.subarray(0, tagLen), packet.subarray(tagAt))) return 'auth_failed';
      plain = Buffer.allocUnsafe(indexAt);
      plain.set(packet.subarray(0, RTCP_HEADER), 0);
      const body = packet.subarray(RTCP_HEADER, indexAt);
      if (encrypted)
        (keys.ctr as AesCtrKeystream).xor(
          writeCtrRtcpIv(this.#iv, keys.salt, ssrc, index),
          body,
          plain,
          RTCP_HEADER,
        );
      else plain.set(body, RTCP_HEADER);
    }
    if (window) window.accept(index);
    else {
      const w = new ReplayWindow(this.#windowSize);
      w.accept(index);
      this.#rtcpReceived.set(ssrc, w);
    }
    return plain;
  }
}
