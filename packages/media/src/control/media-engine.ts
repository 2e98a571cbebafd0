/**
 * The media engine contract the PBX drives. Engine-neutral on purpose: the
 * built-in relay (worker threads) and rtpengine (ng protocol) both implement
 * it, and the PBX never learns which one it talks to.
 *
 * A session is one call; it has two legs, `a` and `b` (usually caller and
 * callee). SDP goes in and out as text, exactly as carried in SIP:
 *
 *   leg a ──offer──▶ session.offer('a', sdp) ──rewritten offer──▶ leg b
 *   leg a ◀──answer── session.answer('b', sdp) ◀──answer──────── leg b
 *
 * Either leg may make a later offer (re-INVITE, UPDATE). Expected failures
 * are PalisadeErrors: `bad_request` (malformed SDP, 400), `unsupported_media`
 * (no common codec or refused crypto, 488), `overloaded` (no relay ports,
 * 503), `not_found` (session already gone).
 */
import type { CodecSpec } from '../sdp/codecs.ts';
import type { SessionDescription } from '../sdp/sdp-types.ts';
import { isWebrtcProto } from '../sdp/webrtc-sdp.ts';
import type { SrtpSuiteName } from '../srtp/srtp-suites.ts';

export type LegId = 'a' | 'b';

export const otherLeg = (leg: LegId): LegId => (leg === 'a' ? 'b' : 'a');

/** The RTP profile a leg speaks: plain RTP, SDES-keyed SRTP or WebRTC (ICE, DTLS-SRTP). */
export type MediaTransport = 'RTP/AVP' | 'RTP/SAVP' | 'UDP/TLS/RTP/SAVPF';

/** The profile of an SDP: that of its first active RTP m= line; undefined when it has none. */
export function sdpTransport(sdp: SessionDescription): MediaTransport | undefined {
  const proto = sdp.media.find((m) => m.port !== 0 && m.proto.includes('RTP/'))?.proto;
  if (proto === undefined) return undefined;
  if (isWebrtcProto(proto)) return 'UDP/TLS/RTP/SAVPF';
  return proto.includes('SAVP') ? 'RTP/SAVP' : 'RTP/AVP';
}

export interface OfferOptions {
  /**
   * Transport to offer to the other leg; default: the same as the offerer's.
   * `RTP/SAVP` makes the engine key SRTP (SDES) towards that leg;
   * `UDP/TLS/RTP/SAVPF` makes that leg a WebRTC leg (ICE and DTLS-SRTP by
   * the engine: ICE-lite in the built-in one, full ICE in rtpengine).
   */
  readonly transport?: MediaTransport;
  /** SRTP suites to offer, in preference order, when `transport` is RTP/SAVP. */
  readonly srtpSuites?: readonly SrtpSuiteName[];
  /**
   * When the offerer and the other leg both speak SDES-SRTP: forward the
   * offerer's crypto lines (the acceptable ones) and the answer's as they
   * are, so each side keeps its own keys end to end and the relay does no
   * crypto. The relay then cannot drop forged packets by authentication,
   * only by source. Default false: SRTP is terminated and re-keyed per leg.
   */
  readonly sdesPassthrough?: boolean;
  /** Codecs allowed through; default: PCMU, PCMA, G722, opus, telephone-event. */
  readonly codecs?: readonly CodecSpec[];
  /**
   * Where this leg's SIP signalling came from. Media from this address is
   * accepted too (the phone's SDP may carry a private address behind NAT).
   */
  readonly signallingAddress?: string;
}

export interface AnswerOptions {
  readonly signallingAddress?: string;
}

export interface LegStats {
  readonly packetsIn: number;
  readonly bytesIn: number;
  readonly packetsOut: number;
  readonly bytesOut: number;
  /** Packets refused because they came from anyone but the leg's (learned) peer. */
  readonly droppedWrongSource: number;
  /**
   * Packets that reached the leg before it had a peer at all (its SDP not
   * yet applied): in practice the answerer's own first RTP or ICE checks,
   * sent as it answers and arriving before its answer is processed. Dropped
   * (nothing is known to judge them by) but not reported as wrong-source.
   */
  readonly droppedEarly: number;
  /** Packets refused by SRTP: authentication failure, replay, malformed. */
  readonly droppedSrtp: number;
}

/**
 * Packets the relay dropped because they came from an address that is not
 * the leg's peer (an RTP-bleed sweep, injection), summed per source over a
 * short interval: what the intrusion detector counts.
 */
export interface WrongSourceReport {
  readonly address: string;
  readonly packets: number;
}

export interface SessionStats {
  readonly a: LegStats;
  readonly b: LegStats;
}

/** `media_failed`: a WebRTC leg's DTLS handshake failed (fingerprint mismatch, timeout). */
export type SessionEndReason = 'timeout' | 'deleted' | 'engine_closed' | 'media_failed';

export interface SessionEnded {
  readonly callId: string;
  readonly reason: SessionEndReason;
}

export interface MediaSession {
  readonly callId: string;
  /** SDP offered by leg `from`; resolves to the SDP to send to the other leg. */
  offer(from: LegId, sdp: string, options?: OfferOptions): Promise<string>;
  /** SDP answer from leg `from`; resolves to the SDP to send back to the offerer. */
  answer(from: LegId, sdp: string, options?: AnswerOptions): Promise<string>;
  stats(): Promise<SessionStats>;
  /** Frees ports and state; idempotent. */
  delete(): Promise<void>;
}

export interface MediaEngine {
  createSession(callId: string): Promise<MediaSession>;
  /** Called once per session that ends for any reason (media timeout included). */
  onSessionEnded(listener: (event: SessionEnded) => void): () => void;
  /**
   * Sources of dropped wrong-source packets, reported at most once a second
   * per relay worker. Engines that cannot tell the source (rtpengine) never call it.
   */
  onWrongSource(listener: (report: WrongSourceReport) => void): () => void;
  close(): Promise<void>;
}
