/**
 * The built-in media engine: control plane on the main thread, relay
 * sockets in worker threads (one per core by default). Each session lives
 * on one worker, placed on the least loaded.
 */
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { PalisadeError, TypedEmitter, nullLogger } from '@palisade/common';
import type { Logger } from '@palisade/common';
import type { WorkerEvent } from '../worker/worker-protocol.ts';
import { BuiltinMediaSession } from './builtin-session.ts';
import type { MediaEngine, MediaSession, SessionEnded, WrongSourceReport } from './media-engine.ts';
import { PortAllocator } from './port-allocator.ts';
import { WorkerChannel } from './worker-channel.ts';
import { createDtlsCertificate } from '../webrtc/dtls-certificate.ts';
import type { DtlsCertificate } from '../webrtc/dtls-certificate.ts';

export interface BuiltinEngineOptions {
  /** IP the relay sockets bind to. */
  readonly bindAddress: string;
  /** IP written into SDP (a public address in front of NAT); default: bindAddress. */
  readonly advertiseAddress?: string;
  readonly portMin: number;
  readonly portMax: number;
  /** Worker threads; default: one per core. */
  readonly workers?: number;
  /** A session whose media stays silent this long is ended (default 60 s). */
  readonly mediaTimeoutMs?: number;
  /** How long a request to a worker may take (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** SRTP replay window in packets (default 128). */
  readonly replayWindow?: number;
  /** WebRTC legs (ICE-lite, DTLS-SRTP) with a fresh self-signed certificate (default true). */
  readonly webrtc?: boolean;
  readonly logger?: Logger;
}

function invalid(field: string, why: string): never {
  throw new PalisadeError('config_invalid', `media.${field}: ${why}`, { details: { field } });
}

export class BuiltinMediaEngine implements MediaEngine {
  readonly #channels: WorkerChannel[];
  readonly #ports: PortAllocator;
  readonly #advertise: string;
  readonly #certificate: DtlsCertificate | undefined;
  readonly #sessions = new Map<string, BuiltinMediaSession>();
  readonly #events = new TypedEmitter<{ ended: SessionEnded; wrongSource: WrongSourceReport }>();
  readonly #logger: Logger;
  #nextId = 1;
  #closed = false;

  private constructor(
    channels: WorkerChannel[],
    ports: PortAllocator,
    advertise: string,
    logger: Logger,
    certificate: DtlsCertificate | undefined,
  ) {
    this.#certificate = certificate;
    this.#channels = channels;
    this.#ports = ports;
    this.#advertise = advertise;
    this.#logger = logger;
  }

  static async start(options: BuiltinEngineOptions): Promise<BuiltinMediaEngine> {
    if (isIP(options.bindAddress) === 0) invalid('bindAddress', 'must be an IP address');
    const advertise = options.advertiseAddress ?? options.bindAddress;
    if (isIP(advertise) === 0) invalid('advertiseAddress', 'must be an IP address');
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1 || workers > 64)
      invalid('workers', 'must be 1 to 64');
    const mediaTimeoutMs = options.mediaTimeoutMs ?? 60_000;
    if (!(mediaTimeoutMs >= 100 && mediaTimeoutMs <= 86_400_000))
      invalid('mediaTimeoutMs', 'must be 100 ms to 1 day');
    const replayWindow = options.replayWindow ?? 128;
    if (!Number.isInteger(replayWindow) || replayWindow < 64 || replayWindow > 32768)
      invalid('replayWindow', 'must be 64 to 32768');
    const ports = new PortAllocator(options.portMin, options.portMax);
    const logger = options.logger ?? nullLogger;
    const certificate = options.webrtc === false ? undefined : await createDtlsCertificate();
    const settings = {
      bindAddress: options.bindAddress,
      mediaTimeoutMs,
      replayWindow,
      ...(certificate
        ? { dtls: { certPem: certificate.certPem, keyPem: certificate.keyPem } }
        : {}),
    };
    const events: { sink?: (e: WorkerEvent) => void } = {};
    const channels = Array.from(
      { length: workers },
      () => new WorkerChannel(settings, options.requestTimeoutMs ?? 5000, (e) => events.sink?.(e)),
    );
    const engine = new BuiltinMediaEngine(channels, ports, advertise, logger, certificate);
    events.sink = (e) => engine.#onWorkerEvent(e);
    try {
      await Promise.all(channels.map((c) => c.ready()));
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  async createSession(callId: string): Promise<MediaSession> {
    if (this.#closed) throw new PalisadeError('overloaded', 'media engine is closed');
    const channel = this.#channels.reduce((best, c) => (c.sessions < best.sessions ? c : best));
    channel.sessions++;
    const id = `s${this.#nextId++}`;
    const session = new BuiltinMediaSession(callId, id, {
      channel,
      ports: this.#ports,
      advertiseAddress: this.#advertise,
      ...(this.#certificate ? { fingerprint: this.#certificate.fingerprint } : {}),
      onEnded: (s, reason) => {
        if (!this.#sessions.delete(s.id)) return;
        channel.sessions--;
        if (reason === 'timeout') this.#logger.info('media timeout', { callId: s.callId });
        if (reason === 'media_failed') this.#logger.warn('WebRTC leg failed', { callId: s.callId });
        this.#emit({ callId: s.callId, reason });
      },
    });
    this.#sessions.set(id, session);
    return Promise.resolve(session);
  }

  onSessionEnded(listener: (event: SessionEnded) => void): () => void {
    return this.#events.on('ended', listener);
  }

  onWrongSource(listener: (report: WrongSourceReport) => void): () => void {
    return this.#events.on('wrongSource', listener);
  }

  /** Free port pairs left in the range (for metrics and tests). */
  get freePortPairs(): number {
    return this.#ports.free;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#sessions.values()]) s.released('engine_closed');
    await Promise.all(this.#channels.map((c) => c.close()));
  }

  #onWorkerEvent(e: WorkerEvent): void {
    if (e.type === 'wrong-source') {
      if (e.unlisted > 0)
        this.#logger.warn('relay dropped packets from too many sources to list', {
          packets: e.unlisted,
        });
      for (const report of e.sources) this.#emitWrongSource(report);
      return;
    }
    if (e.type === 'session-failed')
      this.#logger.warn('media session failed', { sessionId: e.sessionId, reason: e.reason });
    this.#sessions
      .get(e.sessionId)
      ?.released(e.type === 'session-failed' ? 'media_failed' : 'timeout');
  }

  #emitWrongSource(report: WrongSourceReport): void {
    try {
      this.#events.emit('wrongSource', report);
    } catch (err) {
      this.#logger.error('wrong-source listener failed', { err });
    }
  }

  #emit(event: SessionEnded): void {
    try {
      this.#events.emit('ended', event);
    } catch (err) {
      this.#logger.error('session-ended listener failed', { err });
    }
  }
}
