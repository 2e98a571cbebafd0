/**
 * A call on the built-in relay: turns offers and answers into relay
 * configuration for the worker that owns the call's sockets, and SDP that
 * points each leg at the relay.
 *
 * Stream i of the session is m= line i. Each stream has one port pair per
 * leg: side 0 faces leg a, side 1 faces leg b. SRTP is terminated per leg:
 * an SDES leg's packets are decrypted with its key and re-encrypted with ours
 * towards the other leg when that one is SDES too (or sent plain).
 */
import { PalisadeError } from '@palisade/common';
import { parseSdp } from '../sdp/sdp-parser.ts';
import { serializeSdp } from '../sdp/sdp-serializer.ts';
import { NoCommonCodecError } from '../sdp/sdp-error.ts';
import { cryptoAttributes, mediaId, rtcpAttribute, rtcpMux } from '../sdp/sdp-attributes.ts';
import type { CryptoAttribute } from '../sdp/sdp-attributes.ts';
import { DEFAULT_CODECS, intersectCodecs, isAuxiliary, mediaCodecs } from '../sdp/codecs.ts';
import type { Codec } from '../sdp/codecs.ts';
import { restrictOffer, rewriteForRelay } from '../sdp/offer-answer.ts';
import type { RelayMediaRewrite } from '../sdp/offer-answer.ts';
import type { SdpMedia, SessionDescription } from '../sdp/sdp-types.ts';
import { chooseCrypto, createSdesKey, sdesKeyMaterial } from '../srtp/sdes-keys.ts';
import type { SrtpKeyMaterial } from '../srtp/srtp-context.ts';
import type { SrtpSuiteName } from '../srtp/srtp-suites.ts';
import type { SideConfig, WebrtcSideConfig } from '../worker/worker-protocol.ts';
import type { Fingerprint, SetupRole } from '../sdp/sdp-attributes.ts';
import {
  isWebrtcProto,
  stripWebrtcMedia,
  stripWebrtcSession,
  toWebrtcMedia,
  toWebrtcSession,
} from '../sdp/webrtc-sdp.ts';
import {
  answerSetup,
  newIceCredentials,
  offerSetup,
  readRemoteWebrtc,
  webrtcSide,
} from './webrtc-plan.ts';
import type { DtlsRole } from '../webrtc/dtls-leg.ts';
import type { IceCredentials, RemoteWebrtc } from './webrtc-plan.ts';
import { otherLeg } from './media-engine.ts';
import type {
  AnswerOptions,
  LegId,
  MediaSession,
  OfferOptions,
  SessionEndReason,
  SessionStats,
} from './media-engine.ts';
import type { PortAllocator } from './port-allocator.ts';
import type { WorkerChannel } from './worker-channel.ts';

interface OurKey {
  readonly attribute: CryptoAttribute;
  readonly key: SrtpKeyMaterial;
}

interface Stream {
  readonly ports: [number, number];
  /** Our SRTP key towards each leg, kept across re-offers. */
  readonly ours: { a?: OurKey; b?: OurKey };
  /** Our ICE-lite credentials towards each WebRTC leg, kept across re-offers (no ICE restart). */
  readonly ice: { a?: IceCredentials; b?: IceCredentials };
  /** Our DTLS role towards each WebRTC leg once negotiated; re-offers keep it. */
  readonly dtls: { a?: DtlsRole; b?: DtlsRole };
}

interface PendingMedia {
  readonly active: boolean;
  readonly offererProto: string;
  readonly offererMux: boolean;
  readonly outProto: string;
  /** The offerer's crypto line we accepted (its tag and suite go back in the answer). */
  readonly accepted?: CryptoAttribute;
  /** The crypto lines we offered to the answerer, one key per suite. */
  readonly offered: readonly OurKey[];
  /** SDES passthrough: the offerer's own (acceptable) crypto lines, forwarded as they are. */
  readonly passthrough?: readonly CryptoAttribute[];
  readonly codecs: readonly Codec[];
  /** The offerer is a WebRTC leg: what our answer to it must say. */
  readonly offererWebrtc?: RemoteWebrtc;
  /** We offered WebRTC to the answerer with this mid. */
  readonly outMid?: string;
}

interface PendingOffer {
  readonly from: LegId;
  readonly media: readonly PendingMedia[];
  /** The offerer's a=mid per m= line: a WebRTC offerer needs them back, rejected lines too. */
  readonly mids: readonly (string | undefined)[];
}

export interface SessionContext {
  readonly channel: WorkerChannel;
  readonly ports: PortAllocator;
  readonly advertiseAddress: string;
  /** The engine's DTLS certificate fingerprint; undefined: no WebRTC legs. */
  readonly fingerprint?: Fingerprint;
  readonly onEnded: (session: BuiltinMediaSession, reason: SessionEndReason) => void;
}

/**
 * Offer/answer state (RFC 3264 §4, §8):
 *
 *   idle ──offer(x)──▶ offered ──answer(other leg)──▶ active
 *                       ▲   │                           │
 *                       └───┘ offer(x) replaces it      │ offer(x) (re-INVITE, UPDATE)
 *                       ◀───────────────────────────────┘
 *   any ──delete / media timeout / engine close──▶ ended
 */
export type NegotiationState = 'idle' | 'offered' | 'active' | 'ended';

const MOVES: Readonly<Record<NegotiationState, readonly NegotiationState[]>> = {
  idle: ['offered', 'ended'],
  offered: ['offered', 'active', 'ended'],
  active: ['offered', 'ended'],
  ended: [],
};

const DEFAULT_SUITES: readonly SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'];
const BIND_ATTEMPTS = 8;
const side = (leg: LegId): 0 | 1 => (leg === 'a' ? 0 : 1);
const isSecure = (proto: string): boolean => proto.includes('SAVP') && !isWebrtcProto(proto);
const isRtp = (m: SdpMedia): boolean => m.proto.includes('RTP/');

export class BuiltinMediaSession implements MediaSession {
  readonly callId: string;
  readonly id: string;
  readonly #ctx: SessionContext;
  readonly #streams = new Map<number, Stream>();
  #pending: PendingOffer | undefined;
  #state: NegotiationState = 'idle';
  #queue: Promise<unknown> = Promise.resolve();

  constructor(callId: string, id: string, ctx: SessionContext) {
    this.callId = callId;
    this.id = id;
    this.#ctx = ctx;
  }

  get ended(): boolean {
    return this.#state === 'ended';
  }

  offer(from: LegId, sdp: string, options: OfferOptions = {}): Promise<string> {
    return this.#serial(() => this.#offer(from, sdp, options));
  }

  answer(from: LegId, sdp: string, options: AnswerOptions = {}): Promise<string> {
    return this.#serial(() => this.#answer(from, sdp, options));
  }

  async stats(): Promise<SessionStats> {
    this.#alive();
    const [a, b] = await this.#ctx.channel.request('sessionStats', { sessionId: this.id });
    return { a, b };
  }

  async delete(): Promise<void> {
    if (this.#state === 'ended') return;
    this.#transition('ended');
    // Let an offer or answer in flight finish first, so nothing it opens is missed.
    await this.#queue;
    try {
      await this.#ctx.channel.request('deleteSession', { sessionId: this.id });
    } finally {
      this.released('deleted');
    }
  }

  /** Marks the session gone and returns its ports (after delete, a worker-side timeout, or engine close). */
  released(reason: SessionEndReason): void {
    if (this.#state !== 'ended') this.#transition('ended');
    for (const s of this.#streams.values()) for (const p of s.ports) this.#ctx.ports.release(p);
    this.#streams.clear();
    this.#ctx.onEnded(this, reason);
  }

  #alive(): void {
    if (this.#state === 'ended') throw new PalisadeError('not_found', 'media session has ended');
  }

  get state(): NegotiationState {
    return this.#state;
  }

  #transition(to: NegotiationState): void {
    if (!MOVES[this.#state].includes(to))
      throw new PalisadeError('conflict', `media session cannot go from ${this.#state} to ${to}`);
    this.#state = to;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      this.#alive();
      return fn();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #offer(from: LegId, text: string, options: OfferOptions): Promise<string> {
    const to = otherLeg(from);
    const parsed = parseSdp(text);
    const mids = parsed.media.map((m) => mediaId(m));
    const sdp = restrictOffer(parsed, options.codecs ?? DEFAULT_CODECS);
    const media: PendingMedia[] = [];
    const rewrites: (RelayMediaRewrite | undefined)[] = [];
    // Validate everything before touching sockets: a refused offer changes nothing.
    const plans = sdp.media.map((m) => planOffer(m, options));
    const webrtcIn = sdp.media.map((m, i) =>
      plans[i] && isWebrtcProto(m.proto) ? readRemoteWebrtc(sdp, m, false) : undefined,
    );
    const webrtcOut = plans.filter((p) => p && isWebrtcProto(p.outProto)).length;
    if (webrtcIn.filter(Boolean).length > 1 || webrtcOut > 1)
      throw new PalisadeError('unsupported_media', 'a WebRTC leg carries one audio stream');
    if ((webrtcIn.some(Boolean) || webrtcOut > 0) && !this.#ctx.fingerprint)
      throw new PalisadeError('unsupported_media', 'WebRTC is not enabled on this media engine');
    for (const [i, m] of sdp.media.entries()) {
      const plan = plans[i];
      if (!plan) {
        media.push({
          active: false,
          offererProto: m.proto,
          offererMux: false,
          outProto: m.proto,
          offered: [],
          codecs: [],
        });
        rewrites.push(undefined);
        continue;
      }
      const stream = await this.#stream(i);
      const remote = webrtcIn[i];
      if (remote) stream.ice[from] ??= newIceCredentials();
      if (isWebrtcProto(plan.outProto)) stream.ice[to] ??= newIceCredentials();
      // Our key towards the offerer, in the suite it chose; reused on re-offers.
      let toOfferer = stream.ours[from];
      if (plan.accepted && toOfferer?.key.suite !== plan.accepted.attribute.suite)
        toOfferer = createSdesKey(
          plan.accepted.attribute.suite as SrtpSuiteName,
          plan.accepted.attribute.tag,
        );
      if (!plan.accepted) toOfferer = undefined;
      stream.ours[from] = toOfferer;
      // In passthrough both legs keep their own keys end to end: none of ours.
      const offered =
        isSecure(plan.outProto) && !plan.passthrough
          ? offerKeys(options.srtpSuites ?? DEFAULT_SUITES)
          : [];
      await this.#configure(
        i,
        from,
        sdp,
        m,
        options.signallingAddress,
        plan.accepted?.key,
        toOfferer?.key,
        this.#webrtcSide(stream, from, remote),
      );
      media.push({
        active: true,
        offererProto: m.proto,
        offererMux: rtcpMux(m),
        outProto: plan.outProto,
        ...(plan.accepted ? { accepted: plan.accepted.attribute } : {}),
        offered,
        ...(plan.passthrough ? { passthrough: plan.passthrough } : {}),
        codecs: mediaCodecs(m),
        ...(remote ? { offererWebrtc: remote } : {}),
        ...(isWebrtcProto(plan.outProto) ? { outMid: remote?.mid ?? String(i) } : {}),
      });
      rewrites.push({
        port: stream.ports[side(to)],
        rtcpPort: stream.ports[side(to)] + 1,
        rtcpMux: rtcpMux(m),
        proto: plan.outProto,
        crypto: plan.passthrough ?? offered.map((k) => k.attribute),
      });
    }
    this.#transition('offered');
    this.#pending = { from, media, mids };
    const out = rewriteForRelay(sdp, { address: this.#ctx.advertiseAddress, media: rewrites });
    return serializeSdp(
      this.#legSdp(out, to, (i) => {
        const p = media[i];
        return p?.outMid === undefined
          ? undefined
          : { mid: p.outMid, setup: offerSetup(this.#streams.get(i)?.dtls[to]) };
      }),
    );
  }

  async #answer(from: LegId, text: string, options: AnswerOptions): Promise<string> {
    const pending = this.#pending;
    if (this.#state !== 'offered' || !pending || pending.from !== otherLeg(from))
      throw new PalisadeError('conflict', 'no offer from the other leg is waiting for this answer');
    const offerer = pending.from;
    const sdp = parseSdp(text);
    if (sdp.media.length !== pending.media.length)
      throw new PalisadeError(
        'bad_request',
        'answer has a different number of m= lines than the offer',
      );
    // Validate first, configure after.
    const plans = sdp.media.map((m, i) => planAnswer(m, pending.media[i] as PendingMedia));
    if (!plans.some((p) => p !== undefined)) throw new NoCommonCodecError(0);
    const webrtcIn = sdp.media.map((m, i) =>
      plans[i] && pending.media[i]?.outMid !== undefined
        ? readRemoteWebrtc(sdp, m, true)
        : undefined,
    );
    const rewrites: (RelayMediaRewrite | undefined)[] = [];
    for (const [i, m] of sdp.media.entries()) {
      const plan = plans[i];
      const p = pending.media[i] as PendingMedia;
      const stream = this.#streams.get(i);
      if (!plan || !stream) {
        rewrites.push(undefined);
        continue;
      }
      const ours =
        plan.tag === undefined || p.passthrough
          ? undefined
          : p.offered.find((k) => k.attribute.tag === plan.tag);
      stream.ours[from] = ours;
      // In passthrough the answerer's key goes to the offerer as it is; we decrypt nothing.
      const passthrough = p.passthrough !== undefined && plan.attribute !== undefined;
      const remote = webrtcIn[i];
      await this.#configure(
        i,
        from,
        sdp,
        m,
        options.signallingAddress,
        passthrough ? undefined : plan.key,
        ours?.key,
        this.#webrtcSide(stream, from, remote),
      );
      const toOfferer = stream.ours[offerer];
      rewrites.push({
        port: stream.ports[side(offerer)],
        rtcpPort: stream.ports[side(offerer)] + 1,
        rtcpMux: p.offererMux,
        proto: p.offererProto,
        crypto:
          passthrough && plan.attribute ? [plan.attribute] : toOfferer ? [toOfferer.attribute] : [],
      });
    }
    this.#transition('active');
    this.#pending = undefined;
    const out = rewriteForRelay(sdp, { address: this.#ctx.advertiseAddress, media: rewrites });
    return serializeSdp(
      this.#legSdp(
        out,
        offerer,
        (i) => {
          const w = pending.media[i]?.offererWebrtc;
          const role = this.#streams.get(i)?.dtls[offerer] ?? 'server';
          return w ? { mid: w.mid ?? String(i), setup: answerSetup(role) } : undefined;
        },
        pending.media.some((p) => p.offererWebrtc) ? pending.mids : [],
      ),
    );
  }

  /**
   * Finishes SDP for one leg: WebRTC m= lines get our ICE-lite and DTLS
   * parameters (and the session ice-lite and BUNDLE); every other m= line,
   * and the session of a non-WebRTC leg, loses WebRTC-only attributes.
   */
  #legSdp(
    sdp: SessionDescription,
    leg: LegId,
    webrtc: (index: number) => { mid: string; setup: SetupRole } | undefined,
    offererMids: readonly (string | undefined)[] = [],
  ): SessionDescription {
    const mids: string[] = [];
    const media = sdp.media.map((m, i) => {
      const w = webrtc(i);
      const ice = this.#streams.get(i)?.ice[leg];
      const fingerprint = this.#ctx.fingerprint;
      if (!w || !ice || !fingerprint || m.port === 0) {
        const stripped = stripWebrtcMedia(m);
        if (m.port !== 0) return stripped;
        // A browser wants every m= line of its offer back, rejected ones too, with
        // its mid and profile; a phone gets a rejected WebRTC line as RTP/AVP.
        const mid = offererMids[i];
        if (mid === undefined)
          return isWebrtcProto(m.proto) ? { ...stripped, proto: 'RTP/AVP' } : stripped;
        return {
          ...stripped,
          proto: 'UDP/TLS/RTP/SAVPF',
          attributes: [...stripped.attributes, { name: 'mid', value: mid }],
        };
      }
      mids.push(w.mid);
      return toWebrtcMedia(m, {
        ...ice,
        fingerprint,
        setup: w.setup,
        mid: w.mid,
        address: this.#ctx.advertiseAddress,
        port: m.port,
      });
    });
    const out = { ...sdp, media };
    return mids.length > 0 ? toWebrtcSession(out, mids) : stripWebrtcSession(out);
  }

  async #configure(
    index: number,
    leg: LegId,
    sdp: SessionDescription,
    m: SdpMedia,
    signallingAddress: string | undefined,
    decrypt: SrtpKeyMaterial | undefined,
    encrypt: SrtpKeyMaterial | undefined,
    webrtc?: WebrtcSideConfig,
  ): Promise<void> {
    const address = (m.connection ?? sdp.connection)?.address ?? '0.0.0.0';
    const expected = [address, ...(signallingAddress ? [signallingAddress] : [])].filter(
      (a) => a !== '0.0.0.0' && a !== '::',
    );
    const rtcp = rtcpAttribute(m);
    const config: SideConfig = {
      expectedAddresses: [...new Set(expected)],
      address,
      rtpPort: m.port,
      rtcpPort: rtcp?.port ?? m.port + 1,
      rtcpMux: rtcpMux(m),
      ...(decrypt ? { decrypt } : {}),
      ...(encrypt ? { encrypt } : {}),
      ...(webrtc ? { webrtc, rtcpMux: true } : {}),
    };
    await this.#ctx.channel.request('configureSide', {
      sessionId: this.id,
      stream: index,
      side: side(leg),
      config,
    });
  }

  /** The worker config for a WebRTC leg; records the DTLS role it settles. */
  #webrtcSide(
    stream: Stream,
    leg: LegId,
    remote: RemoteWebrtc | undefined,
  ): WebrtcSideConfig | undefined {
    const ice = stream.ice[leg];
    if (!remote || !ice) return undefined;
    const config = webrtcSide(ice, remote, stream.dtls[leg]);
    stream.dtls[leg] = config.dtlsRole;
    return config;
  }

  async #stream(index: number): Promise<Stream> {
    const known = this.#streams.get(index);
    if (known) return known;
    for (let attempt = 0; ; attempt++) {
      const ports: [number, number] = [this.#ctx.ports.allocate(), this.#ctx.ports.allocate()];
      try {
        await this.#ctx.channel.request('openStream', { sessionId: this.id, stream: index, ports });
        const stream: Stream = { ports, ours: {}, ice: {}, dtls: {} };
        this.#streams.set(index, stream);
        return stream;
      } catch (err) {
        // Taken by another process: leave those ports marked used and try others.
        if (err instanceof PalisadeError && err.code === 'conflict' && attempt < BIND_ATTEMPTS)
          continue;
        for (const p of ports) this.#ctx.ports.release(p);
        throw err;
      }
    }
  }
}

/** One crypto line per suite, tags 1..n (RFC 4568 §9.1), a fresh key for each offer. */
function offerKeys(suites: readonly SrtpSuiteName[]): OurKey[] {
  return suites.map((suite, i) => createSdesKey(suite, i + 1));
}

interface OfferPlan {
  readonly outProto: string;
  readonly accepted?: { readonly attribute: CryptoAttribute; readonly key: SrtpKeyMaterial };
  readonly passthrough?: readonly CryptoAttribute[];
}

/** The offered crypto lines we would accept ourselves: only those may travel on. */
function acceptableCrypto(offered: readonly CryptoAttribute[]): CryptoAttribute[] {
  return offered.filter((c) => chooseCrypto([c]) !== undefined);
}

function planOffer(m: SdpMedia, options: OfferOptions): OfferPlan | undefined {
  if (!isRtp(m) || m.port === 0) return undefined;
  if ((m.proto.includes('TLS') || m.proto.includes('DTLS')) && !isWebrtcProto(m.proto))
    throw new PalisadeError('unsupported_media', 'only UDP/TLS/RTP/SAVPF is supported for DTLS');
  const outProto = options.transport ?? m.proto;
  if (isWebrtcProto(m.proto)) return { outProto };
  if (!isSecure(m.proto)) return { outProto };
  const accepted = chooseCrypto(cryptoAttributes(m));
  if (!accepted)
    throw new PalisadeError('unsupported_media', 'no acceptable SRTP crypto suite offered');
  if (options.sdesPassthrough && isSecure(outProto))
    return { outProto, passthrough: acceptableCrypto(cryptoAttributes(m)) };
  return { outProto, accepted };
}

interface AnswerPlan {
  readonly tag?: number;
  readonly key?: SrtpKeyMaterial;
  readonly attribute?: CryptoAttribute;
}

function planAnswer(m: SdpMedia, p: PendingMedia): AnswerPlan | undefined {
  if (!p.active || m.port === 0) return undefined;
  const common = intersectCodecs(mediaCodecs(m), p.codecs);
  if (!common.some((c) => !isAuxiliary(c))) return undefined;
  if (
    isSecure(m.proto) !== isSecure(p.outProto) ||
    isWebrtcProto(m.proto) !== isWebrtcProto(p.outProto)
  )
    throw new PalisadeError('unsupported_media', 'answer transport does not match the offer');
  if (!isSecure(m.proto)) return {};
  const [crypto, ...more] = cryptoAttributes(m);
  const offered = (p.passthrough ?? p.offered.map((k) => k.attribute)).find(
    (a) => a.tag === crypto?.tag,
  );
  if (!crypto || more.length > 0 || !offered || offered.suite !== crypto.suite)
    throw new PalisadeError('unsupported_media', 'answer crypto does not match an offered one');
  // sdesKeyMaterial also refuses what we would never use (MKI, short lifetime, bad key).
  return { tag: crypto.tag, key: sdesKeyMaterial(crypto), attribute: crypto };
}
