/**
 * A media engine for unit tests: the real SDP rules (codec restriction,
 * 488 on no common codec) and an address rewrite to the "relay", with no
 * sockets. Records every offer and answer.
 */
import { TypedEmitter } from '@palisade/common';
import { DEFAULT_CODECS, parseSdp, restrictOffer, serializeSdp } from '@palisade/media';
import type {
  LegId,
  MediaEngine,
  MediaSession,
  OfferOptions,
  SessionEnded,
  SessionStats,
  WrongSourceReport,
} from '@palisade/media';

export const RELAY_ADDRESS = '198.51.100.1';

function relayed(sdp: string, leg: LegId): string {
  return sdp
    .replace(/IN IP4 [0-9.]+/g, `IN IP4 ${RELAY_ADDRESS}`)
    .replace(/m=audio [0-9]+/g, `m=audio ${leg === 'a' ? 30000 : 30002}`);
}

export class FakeMediaSession implements MediaSession {
  readonly callId: string;
  readonly log: string[] = [];
  deleted = false;
  constructor(callId: string) {
    this.callId = callId;
  }
  async offer(from: LegId, sdp: string, options: OfferOptions = {}): Promise<string> {
    const restricted = serializeSdp(restrictOffer(parseSdp(sdp), options.codecs ?? DEFAULT_CODECS));
    this.log.push(`offer ${from}`);
    return relayed(restricted, from === 'a' ? 'b' : 'a');
  }
  async answer(from: LegId, sdp: string): Promise<string> {
    parseSdp(sdp);
    this.log.push(`answer ${from}`);
    return relayed(sdp, from === 'a' ? 'b' : 'a');
  }
  async stats(): Promise<SessionStats> {
    const zero = {
      packetsIn: 0,
      bytesIn: 0,
      packetsOut: 0,
      bytesOut: 0,
      droppedWrongSource: 0,
      droppedSrtp: 0,
    };
    return { a: zero, b: zero };
  }
  async delete(): Promise<void> {
    this.deleted = true;
  }
}

export class FakeMediaEngine implements MediaEngine {
  readonly sessions: FakeMediaSession[] = [];
  readonly #events = new TypedEmitter<{ ended: SessionEnded }>();
  async createSession(callId: string): Promise<MediaSession> {
    const s = new FakeMediaSession(callId);
    this.sessions.push(s);
    return s;
  }
  onSessionEnded(listener: (event: SessionEnded) => void): () => void {
    return this.#events.on('ended', listener);
  }
  onWrongSource(_listener: (report: WrongSourceReport) => void): () => void {
    return () => undefined;
  }
  /** What a media timeout looks like. */
  timeout(callId: string): void {
    this.#events.emit('ended', { callId, reason: 'timeout' });
  }
  async close(): Promise<void> {}
}
