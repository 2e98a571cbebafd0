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
import { cryptoAttributes, rtcpAttribute, rtcpMux } from '../sdp/sdp-attributes.ts';
import type { CryptoAttribute } from '../sdp/sdp-attributes.ts';
import { DEFAULT_CODECS, intersectCodecs, isAuxiliary, mediaCodecs } from '../sdp/codecs.ts';
import type { Codec } from '../sdp/codecs.ts';
import { restrictOffer, rewriteForRelay } from '../sdp/offer-answer.ts';
import type { RelayMediaRewrite } from '../sdp/offer-answer.ts';
import type { SdpMedia, SessionDescription } from '../sdp/sdp-types.ts';
import { chooseCrypto, createSdesKey, sdesKeyMaterial } from '../srtp/sdes-keys.ts';
import type { SrtpKeyMaterial } from '../srtp/srtp-context.ts';
import type { SrtpSuiteName } from '../srtp/srtp-suites.ts';
import type { SideConfig } from '../worker/worker-protocol.ts';
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
}

interface PendingOffer {
  readonly from: LegId;
  readonly media: readonly PendingMedia[];
}

export interface SessionContext {
  readonly channel: WorkerChannel;
  readonly ports: PortAllocator;
  readonly advertiseAddress: string;
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
const isSecure = (proto: string): boolean => proto.includes('SAVP');
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
    const sdp = restrictOffer(parseSdp(text), options.codecs ?? DEFAULT_CODECS);
    const media: PendingMedia[] = [];
    const rewrites: (RelayMediaRewrite | undefined)[] = [];
    // Validate everything before touching sockets: a refused offer changes nothing.
    const plans = sdp.media.map((m) => planOffer(m, options));
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
    this.#pending = { from, media };
    return serializeSdp(
      rewriteForRelay(sdp, { address: this.#ctx.advertiseAddress, media: rewrites }),
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
      await this.#configure(
        i,
        from,
        sdp,
        m,
        options.signallingAddress,
        passthrough ? undefined : plan.key,
        ours?.key,
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
    return serializeSdp(
      rewriteForRelay(sdp, { address: this.#ctx.advertiseAddress, media: rewrites }),
    );
  }

  async #configure(
    index: number,
    leg: LegId,
    sdp: SessionDescription,
    m: SdpMedia,
    signallingAddress: string | undefined,
    decrypt: SrtpKeyMaterial | undefined,
    encrypt: SrtpKeyMaterial | undefined,
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
    };
    await this.#ctx.channel.request('configureSide', {
      sessionId: this.id,
      stream: index,
      side: side(leg),
      config,
    });
  }

  async #stream(index: number): Promise<Stream> {
    const known = this.#streams.get(index);
    if (known) return known;
    for (let attempt = 0; ; attempt++) {
      const ports: [number, number] = [this.#ctx.ports.allocate(), this.#ctx.ports.allocate()];
      try {
        await this.#ctx.channel.request('openStream', { sessionId: this.id, stream: index, ports });
        const stream: Stream = { ports, ours: {} };
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
  if (m.proto.includes('TLS') || m.proto.includes('DTLS'))
    throw new PalisadeError(
      'unsupported_media',
      'DTLS-SRTP is not supported by the built-in relay yet',
    );
  const outProto = options.transport ?? m.proto;
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
  if (isSecure(m.proto) !== isSecure(p.outProto))
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
