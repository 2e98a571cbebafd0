/**
 * The sessions of one worker: binds sockets, wires the two sides of each
 * stream together, frees everything on delete, and sweeps for media timeout.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { PalisadeError } from '@palisade/common';
import type { LegStats } from '../control/media-engine.ts';
import { literalLookup } from './literal-lookup.ts';
import { RelaySide } from './relay-side.ts';
import type { WebrtcEndpointClass } from './relay-side.ts';
import type { SideConfig, WorkerSettings } from './worker-protocol.ts';

interface RelayStream {
  readonly sides: readonly [RelaySide, RelaySide];
}

interface RelaySession {
  readonly streams: Map<number, RelayStream>;
  /** Monotonic ms of the last packet, or of the moment both sides were known. */
  lastActive: number;
}

const EMPTY: LegStats = {
  packetsIn: 0,
  bytesIn: 0,
  packetsOut: 0,
  bytesOut: 0,
  droppedWrongSource: 0,
  droppedEarly: 0,
  droppedSrtp: 0,
};

export class RelayRegistry {
  readonly #settings: WorkerSettings;
  readonly #sessions = new Map<string, RelaySession>();
  readonly #onEnded: (sessionId: string, ports: number[], failure?: string) => void;
  readonly #onWrongSource: ((address: string) => void) | undefined;
  readonly #sweep: NodeJS.Timeout;
  /** Loaded with the first WebRTC leg: werift costs ~17 MiB per worker that never needs it. */
  #webrtc: WebrtcEndpointClass | undefined;
  #loadingWebrtc: Promise<WebrtcEndpointClass> | undefined;

  /**
   * `onEnded` reports a session the worker ended itself: media timeout, or a
   * failure; `onWrongSource` each packet dropped for its source.
   */
  constructor(
    settings: WorkerSettings,
    onEnded: (sessionId: string, ports: number[], failure?: string) => void,
    onWrongSource?: (address: string) => void,
  ) {
    this.#settings = settings;
    this.#onEnded = onEnded;
    this.#onWrongSource = onWrongSource;
    const every = Math.max(20, Math.min(1000, Math.floor(settings.mediaTimeoutMs / 4)));
    this.#sweep = setInterval(() => this.#sweepTimeouts(), every);
  }

  async openStream(
    sessionId: string,
    stream: number,
    ports: readonly [number, number],
  ): Promise<null> {
    let session = this.#sessions.get(sessionId);
    if (!session) {
      session = { streams: new Map(), lastActive: performance.now() };
      this.#sessions.set(sessionId, session);
    }
    if (session.streams.has(stream)) throw new PalisadeError('conflict', 'stream already open');
    const opened: Socket[] = [];
    try {
      const sides: RelaySide[] = [];
      for (const p of ports) {
        const rtp = await this.#bind(p);
        opened.push(rtp);
        const rtcp = await this.#bind(p + 1);
        opened.push(rtcp);
        sides.push(
          new RelaySide(rtp, rtcp, p, {
            replayWindow: this.#settings.replayWindow,
            ...(this.#settings.dtls ? { dtls: this.#settings.dtls } : {}),
            onFailure: (reason) => this.#fail(sessionId, reason),
            ...(this.#onWrongSource ? { onWrongSource: this.#onWrongSource } : {}),
          }),
        );
      }
      const [a, b] = sides as [RelaySide, RelaySide];
      // Deleted while we were binding: the sockets must not outlive it.
      if (this.#sessions.get(sessionId) !== session)
        throw new PalisadeError('not_found', 'media session was deleted');
      a.other = b;
      b.other = a;
      session.streams.set(stream, { sides: [a, b] });
      return null;
    } catch (err) {
      for (const s of opened) s.close();
      throw err;
    }
  }

  async configureSide(
    sessionId: string,
    stream: number,
    side: 0 | 1,
    config: SideConfig,
  ): Promise<null> {
    if (config.webrtc && !this.#webrtc) {
      this.#loadingWebrtc ??= import('./webrtc-endpoint.ts').then((m) => m.WebrtcEndpoint);
      this.#webrtc = await this.#loadingWebrtc;
    }
    const session = this.#session(sessionId);
    const s = session.streams.get(stream);
    if (!s) throw new PalisadeError('not_found', 'no such media stream');
    s.sides[side].configure(config, this.#webrtc);
    if (s.sides[0].configured && s.sides[1].configured) session.lastActive = performance.now();
    return null;
  }

  deleteSession(sessionId: string): { ports: number[] } {
    const session = this.#sessions.get(sessionId);
    if (!session) return { ports: [] };
    this.#sessions.delete(sessionId);
    return { ports: closeSession(session) };
  }

  sessionStats(sessionId: string): readonly [LegStats, LegStats] {
    const session = this.#session(sessionId);
    let a = EMPTY;
    let b = EMPTY;
    for (const s of session.streams.values()) {
      a = add(a, s.sides[0].stats());
      b = add(b, s.sides[1].stats());
    }
    return [a, b];
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const id of [...this.#sessions.keys()]) this.deleteSession(id);
  }

  /** A leg failed for good (DTLS): the whole session ends, off the receive path. */
  #fail(sessionId: string, reason: string): void {
    setImmediate(() => {
      const session = this.#sessions.get(sessionId);
      if (!session) return;
      this.#sessions.delete(sessionId);
      this.#onEnded(sessionId, closeSession(session), reason);
    });
  }

  #session(sessionId: string): RelaySession {
    const session = this.#sessions.get(sessionId);
    if (!session) throw new PalisadeError('not_found', 'no such media session');
    return session;
  }

  #bind(port: number): Promise<Socket> {
    const family = this.#settings.bindAddress.includes(':') ? 'udp6' : 'udp4';
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: family, lookup: literalLookup });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.close();
        reject(
          err.code === 'EADDRINUSE' || err.code === 'EACCES'
            ? new PalisadeError('conflict', 'relay port in use', { details: { port } })
            : err,
        );
      });
      socket.bind(port, this.#settings.bindAddress, () => {
        socket.removeAllListeners('error');
        // A send error (ICMP unreachable on loopback) must not kill the worker.
        socket.on('error', () => undefined);
        resolve(socket);
      });
    });
  }

  #sweepTimeouts(): void {
    const now = performance.now();
    for (const [id, session] of this.#sessions) {
      let active = false;
      let ready = false;
      for (const s of session.streams.values()) {
        for (const side of s.sides) {
          if (side.active) active = true;
          side.active = false;
        }
        if (s.sides[0].configured && s.sides[1].configured) ready = true;
      }
      if (active || !ready) {
        if (active) session.lastActive = now;
        continue;
      }
      if (now - session.lastActive >= this.#settings.mediaTimeoutMs) {
        this.#sessions.delete(id);
        this.#onEnded(id, closeSession(session));
      }
    }
  }
}

function closeSession(session: RelaySession): number[] {
  const ports: number[] = [];
  for (const s of session.streams.values())
    for (const side of s.sides) {
      side.close();
      ports.push(side.port);
    }
  return ports;
}

function add(x: LegStats, y: LegStats): LegStats {
  return {
    packetsIn: x.packetsIn + y.packetsIn,
    bytesIn: x.bytesIn + y.bytesIn,
    packetsOut: x.packetsOut + y.packetsOut,
    bytesOut: x.bytesOut + y.bytesOut,
    droppedWrongSource: x.droppedWrongSource + y.droppedWrongSource,
    droppedEarly: x.droppedEarly + y.droppedEarly,
    droppedSrtp: x.droppedSrtp + y.droppedSrtp,
  };
}
