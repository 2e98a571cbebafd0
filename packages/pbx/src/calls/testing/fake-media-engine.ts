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
  MediaTransport,
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
  /** The profile each offer asked for towards the other leg (undefined: the offerer's own). */
  readonly transports: (MediaTransport | undefined)[] = [];
  deleted = false;
  readonly #onDelete: () => void;
  constructor(callId: string, onDelete: () => void = () => undefined) {
    this.callId = callId;
    this.#onDelete = onDelete;
  }
  async offer(from: LegId, sdp: string, options: OfferOptions = {}): Promise<string> {
    const restricted = serializeSdp(restrictOffer(parseSdp(sdp), options.codecs ?? DEFAULT_CODECS));
    this.log.push(`offer ${from}`);
    this.transports.push(options.transport);
    const out = relayed(restricted, from === 'a' ? 'b' : 'a');
    return options.transport ? out.replace(/(m=audio \d+) \S+/, `$1 ${options.transport}`) : out;
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
      droppedEarly: 0,
      droppedSrtp: 0,
    };
    return { a: zero, b: zero };
  }
  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    this.#onDelete();
  }
}

export class FakeMediaEngine implements MediaEngine {
  readonly sessions: FakeMediaSession[] = [];
  readonly #events = new TypedEmitter<{ ended: SessionEnded }>();
  async createSession(callId: string): Promise<MediaSession> {
    // as the real engines do, a deleted session is reported ended ('deleted')
    const s = new FakeMediaSession(callId, () =>
      this.#events.emit('ended', { callId, reason: 'deleted' }),
    );
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
