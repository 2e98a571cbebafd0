/**
 * The MediaEngine contract over one or more rtpengine nodes (ng protocol).
 * A session stays on the node it was created on (nodes are picked round
 * robin). Offers are checked and codec-filtered here first, so both engines
 * refuse the same offers with the same errors (488 when no codec is common);
 * rtpengine is told to drop media from unexpected sources (strict-source)
 * and to offer only the SRTP suites we allow (never NULL ciphers). WebRTC
 * legs (UDP/TLS/RTP/SAVPF) get ICE and DTLS-SRTP from rtpengine itself; the
 * keys each direction needs are in ng-leg-keys.ts.
 */
import { randomBytes } from 'node:crypto';
import { PalisadeError, TypedEmitter, isPalisadeError, nullLogger } from '@palisade/common';
import type { Logger } from '@palisade/common';
import { parseSdp } from '../sdp/sdp-parser.ts';
import { serializeSdp } from '../sdp/sdp-serializer.ts';
import { cryptoAttributes, parseCrypto } from '../sdp/sdp-attributes.ts';
import { DEFAULT_CODECS } from '../sdp/codecs.ts';
import { restrictOffer } from '../sdp/offer-answer.ts';
import { isWebrtcProto, stripWebrtcMedia, stripWebrtcSession } from '../sdp/webrtc-sdp.ts';
import type { SessionDescription } from '../sdp/sdp-types.ts';
import { SRTP_SUITES, isSrtpSuiteName } from '../srtp/srtp-suites.ts';
import type { SrtpSuiteName } from '../srtp/srtp-suites.ts';
import { readRemoteWebrtc } from '../control/webrtc-plan.ts';
import { sdpTransport } from '../control/media-engine.ts';
import type {
  AnswerOptions,
  LegId,
  LegStats,
  MediaEngine,
  MediaSession,
  MediaTransport,
  OfferOptions,
  SessionEnded,
  SessionStats,
  WrongSourceReport,
} from '../control/media-engine.ts';
import { isDict } from './bencode.ts';
import type { BDict, BValue } from './bencode.ts';
import { NgClient } from './ng-client.ts';
import type { NgClientOptions, NgEndpoint } from './ng-client.ts';
import { WEBRTC, answerKeys, offerKeys } from './ng-leg-keys.ts';

export interface RtpengineEngineOptions extends NgClientOptions {
  readonly nodes: readonly NgEndpoint[];
  /**
   * How often to ask rtpengine whether each call still exists, so calls it
   * tore down for media timeout end here too (default 5000 ms; 0: never).
   */
  readonly pollMs?: number;
  readonly logger?: Logger;
}

const DEFAULT_SUITES: readonly SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'];
const TAG: Readonly<Record<LegId, string>> = { a: 'palisade-leg-a', b: 'palisade-leg-b' };

function checkReply(reply: BDict, command: string): BDict {
  if (reply.result === 'ok' || reply.result === 'pong') return reply;
  const reason =
    typeof reply['error-reason'] === 'string' ? reply['error-reason'].slice(0, 120) : 'unknown';
  if (/unknown call|call-id not found/i.test(reason))
    throw new PalisadeError('not_found', 'media session not known to rtpengine');
  throw new PalisadeError('overloaded', `rtpengine refused ${command}`, { details: { reason } });
}

/**
 * What we hand rtpengine must be usable as it is: WebRTC media with ICE
 * credentials, a fingerprint of a known hash, rtcp-mux and a valid a=setup
 * (the same rules as the built-in engine); SDES media with a suite we allow.
 */
function checkMedia(sdp: SessionDescription, isAnswer: boolean): void {
  for (const m of sdp.media) {
    if (m.port === 0 || !m.proto.includes('SAVP')) continue;
    if (m.proto.includes('TLS')) {
      if (!isWebrtcProto(m.proto))
        throw new PalisadeError(
          'unsupported_media',
          'only UDP/TLS/RTP/SAVPF is supported for DTLS',
        );
      readRemoteWebrtc(sdp, m, isAnswer);
    } else if (!cryptoAttributes(m).some((c) => isSrtpSuiteName(c.suite)))
      throw new PalisadeError('unsupported_media', 'no acceptable SRTP crypto suite offered');
  }
}

/**
 * SDP rtpengine wrote for a SIP phone, cleaned: no WebRTC-only attributes
 * (a browser's msid, ssrc, extmap…), and no a=crypto line with a suite we do
 * not allow (NULL ciphers above all: not every rtpengine version honours
 * SDES-only-<suite>).
 */
function forPhone(text: string, allowed: readonly string[]): string {
  const sdp = parseSdp(text);
  const media = sdp.media.map((m) => {
    const attributes = stripWebrtcMedia(m).attributes.filter(
      (a) => a.name !== 'crypto' || allowed.includes(parseCrypto(a.value ?? '').suite),
    );
    if (m.proto.includes('SAVP') && m.port !== 0 && !attributes.some((a) => a.name === 'crypto'))
      throw new PalisadeError('internal', 'rtpengine offered no SRTP suite we allow');
    return { ...m, attributes };
  });
  return serializeSdp({ ...stripWebrtcSession(sdp), media });
}

/** An offer waiting for its answer: who made it, in which profile, and the profile offered onwards. */
interface PendingOffer {
  readonly offerer: LegId;
  readonly offererTransport: MediaTransport;
  readonly target: MediaTransport;
}

function num(v: BValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

/** Packets and bytes rtpengine received from one tag (leg), summed over its streams. */
function received(reply: BDict, tag: string): { packets: number; bytes: number } {
  const tags = reply.tags;
  const leg = isDict(tags) ? tags[tag] : undefined;
  let packets = 0;
  let bytes = 0;
  const medias = isDict(leg) && Array.isArray(leg.medias) ? (leg.medias as readonly BValue[]) : [];
  for (const media of medias) {
    const streams =
      isDict(media) && Array.isArray(media.streams) ? (media.streams as readonly BValue[]) : [];
    for (const stream of streams) {
      const stats = isDict(stream) ? stream.stats : undefined;
      if (!isDict(stats)) continue;
      packets += num(stats.packets);
      bytes += num(stats.bytes);
    }
  }
  return { packets, bytes };
}

class RtpengineSession implements MediaSession {
  readonly callId: string;
  readonly #ngCallId: string;
  readonly #client: NgClient;
  readonly #onEnded: (e: SessionEnded) => void;
  #pending: PendingOffer | undefined;
  #answered = false;
  #known = false;
  #ended = false;

  constructor(callId: string, client: NgClient, onEnded: (e: SessionEnded) => void) {
    this.callId = callId;
    // rtpengine keeps deleted calls for a while: a fresh id per session avoids reuse.
    this.#ngCallId = `${callId.slice(0, 200)}-${randomBytes(4).toString('hex')}`;
    this.#client = client;
    this.#onEnded = onEnded;
  }

  async offer(from: LegId, sdp: string, options: OfferOptions = {}): Promise<string> {
    this.#alive();
    const restricted = restrictOffer(parseSdp(sdp), options.codecs ?? DEFAULT_CODECS);
    checkMedia(restricted, false);
    const own = sdpTransport(restricted) ?? 'RTP/AVP';
    const target = options.transport ?? own;
    const suites = options.srtpSuites ?? DEFAULT_SUITES;
    const message: Record<string, BValue> = {
      command: 'offer',
      'call-id': this.#ngCallId,
      'from-tag': TAG[from],
      sdp: serializeSdp(restricted),
      replace: ['origin', 'session-connection'],
      // Learn the peer from its first packet and hold to it: "delayed"
      // learning lets any source take a stream over for ~3 s. rtpengine 10.5
      // still let it happen with this key alone: run it with
      // --endpoint-learning=immediate as well (docs/media.md).
      'endpoint-learning': 'immediate',
      ...offerKeys(target, own, suites),
    };
    if (this.#answered) message['to-tag'] = TAG[from === 'a' ? 'b' : 'a'];
    if (options.signallingAddress)
      message['received-from'] = receivedFrom(options.signallingAddress);
    const reply = checkReply(await this.#client.request(message), 'offer');
    this.#pending = { offerer: from, offererTransport: own, target };
    this.#known = true;
    return target === WEBRTC ? sdpOf(reply) : forPhone(sdpOf(reply), suites);
  }

  async answer(from: LegId, sdp: string, options: AnswerOptions = {}): Promise<string> {
    this.#alive();
    const pending = this.#pending;
    if (!pending || pending.offerer === from)
      throw new PalisadeError('conflict', 'no offer from the other leg is waiting for this answer');
    const parsed = parseSdp(sdp);
    checkMedia(parsed, true);
    const answered = sdpTransport(parsed);
    // no downgrade: a leg offered SRTP or WebRTC answers in that profile
    if (answered !== undefined && answered !== pending.target)
      throw new PalisadeError('unsupported_media', 'answer transport does not match the offer');
    const message: Record<string, BValue> = {
      command: 'answer',
      'call-id': this.#ngCallId,
      'from-tag': TAG[pending.offerer],
      'to-tag': TAG[from],
      sdp,
      replace: ['origin', 'session-connection'],
      'endpoint-learning': 'immediate',
      ...answerKeys(pending.offererTransport),
    };
    if (options.signallingAddress)
      message['received-from'] = receivedFrom(options.signallingAddress);
    const reply = checkReply(await this.#client.request(message), 'answer');
    this.#pending = undefined;
    this.#answered = true;
    return pending.offererTransport === WEBRTC
      ? sdpOf(reply)
      : forPhone(sdpOf(reply), Object.keys(SRTP_SUITES));
  }

  async stats(): Promise<SessionStats> {
    this.#alive();
    const reply = checkReply(
      await this.#client.request({ command: 'query', 'call-id': this.#ngCallId }),
      'query',
    );
    const a = received(reply, TAG.a);
    const b = received(reply, TAG.b);
    // rtpengine reports what it received per leg; what it sent a leg is what it received from the other.
    // It does not report packets dropped for a wrong source: those read 0 here.
    const leg = (inn: typeof a, out: typeof a): LegStats => ({
      packetsIn: inn.packets,
      bytesIn: inn.bytes,
      packetsOut: out.packets,
      bytesOut: out.bytes,
      droppedWrongSource: 0,
      droppedEarly: 0,
      droppedSrtp: 0,
    });
    return { a: leg(a, b), b: leg(b, a) };
  }

  async delete(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      const reply = await this.#client.request({ command: 'delete', 'call-id': this.#ngCallId });
      if (
        reply.result !== 'ok' &&
        !/unknown call/i.test(
          typeof reply['error-reason'] === 'string' ? reply['error-reason'] : '',
        )
      )
        checkReply(reply, 'delete');
    } finally {
      this.#onEnded({ callId: this.callId, reason: 'deleted' });
    }
  }

  /**
   * Asks rtpengine whether the call still exists; when it does not (it timed
   * the media out), the session ends with reason `timeout`. Other failures
   * (no answer) leave it as it is until the next look.
   */
  async probe(): Promise<void> {
    if (this.#ended || !this.#known) return;
    try {
      checkReply(
        await this.#client.request({ command: 'query', 'call-id': this.#ngCallId }),
        'query',
      );
    } catch (err) {
      if (this.#ended || !isPalisadeError(err, 'not_found')) return;
      this.#ended = true;
      this.#onEnded({ callId: this.callId, reason: 'timeout' });
    }
  }

  get ended(): boolean {
    return this.#ended;
  }

  #alive(): void {
    if (this.#ended) throw new PalisadeError('not_found', 'media session has ended');
  }
}

function sdpOf(reply: BDict): string {
  if (typeof reply.sdp !== 'string')
    throw new PalisadeError('internal', 'rtpengine reply has no SDP');
  return reply.sdp;
}

function receivedFrom(address: string): BValue {
  return [address.includes(':') ? 'IP6' : 'IP4', address];
}

export class RtpengineMediaEngine implements MediaEngine {
  readonly #clients: NgClient[];
  readonly #events = new TypedEmitter<{ ended: SessionEnded }>();
  readonly #logger: Logger;
  readonly #sessions = new Set<RtpengineSession>();
  readonly #poll: NodeJS.Timeout | undefined;
  #polling = false;
  #next = 0;

  private constructor(clients: NgClient[], logger: Logger, pollMs: number) {
    this.#clients = clients;
    this.#logger = logger;
    if (pollMs > 0) {
      this.#poll = setInterval(() => void this.#probeAll(), pollMs);
      this.#poll.unref();
    }
  }

  /** Connects to every node and checks each answers a ping. */
  static async start(options: RtpengineEngineOptions): Promise<RtpengineMediaEngine> {
    if (options.nodes.length === 0)
      throw new PalisadeError('config_invalid', 'media.rtpengine.nodes is empty');
    const pollMs = options.pollMs ?? 5000;
    if (!Number.isInteger(pollMs) || pollMs < 0)
      throw new PalisadeError('config_invalid', 'media.rtpengine.pollMs must be 0 or more');
    const clients = await Promise.all(options.nodes.map((n) => NgClient.connect(n, options)));
    try {
      for (const c of clients) checkReply(await c.request({ command: 'ping' }), 'ping');
    } catch (err) {
      for (const c of clients) c.close();
      throw err;
    }
    return new RtpengineMediaEngine(clients, options.logger ?? nullLogger, pollMs);
  }

  createSession(callId: string): Promise<MediaSession> {
    const client = this.#clients[this.#next++ % this.#clients.length] as NgClient;
    const session = new RtpengineSession(callId, client, (e) => {
      if (this.#sessions.delete(session)) this.#emit(e);
    });
    this.#sessions.add(session);
    return Promise.resolve(session);
  }

  onSessionEnded(listener: (event: SessionEnded) => void): () => void {
    return this.#events.on('ended', listener);
  }

  /** rtpengine drops wrong-source packets itself and does not tell from where: never called. */
  onWrongSource(_listener: (report: WrongSourceReport) => void): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    clearInterval(this.#poll);
    const open = [...this.#sessions];
    this.#sessions.clear();
    for (const s of open) this.#emit({ callId: s.callId, reason: 'engine_closed' });
    for (const c of this.#clients) c.close();
    return Promise.resolve();
  }

  #emit(e: SessionEnded): void {
    try {
      this.#events.emit('ended', e);
    } catch (err) {
      this.#logger.error('session-ended listener failed', { err });
    }
  }

  async #probeAll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      for (const session of [...this.#sessions]) await session.probe();
    } finally {
      this.#polling = false;
    }
  }
}
