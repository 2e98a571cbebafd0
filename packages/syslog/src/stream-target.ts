/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425) with an on-disk queue.
 *
 *            start / backoff timer fires
 *   backoff ─────────────────────────────▶ connecting
 *      ▲  ▲                                  │ connected (TLS: handshake verified)
 *      │  └──── error / timeout ─────────────┤
 *      │                                     ▼
 *      └────── error / end / close ──── connected
 *   any state ── close() ──▶ closed
 *
 * Syslog over TCP has no application acknowledgement, so we cannot know what
 * the collector received. A message stays queued after it is written; it
 * counts as delivered only once `resendWindow` newer messages were written
 * after it on the same connection. When a connection breaks, every message
 * written on it that is still queued is marked `resent` and is written again,
 * in order, on the next connection: the collector may see a duplicate (marked
 * `resent="1"`) but no gap. A clean close that the collector answers with its
 * own close (it read to the end) confirms everything written.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { PalisadeError, type Clock, type Logger, type TimerHandle } from '@palisade/common';
import type { DiskQueue } from './disk-queue.ts';
import { frameMessage, type StreamFraming } from './framing.ts';
import { markResent, type FormattedMessage } from './rfc5424-format.ts';
import type { SyslogReconnectConfig, TcpTargetConfig, TlsTargetConfig } from './syslog-config.ts';
import { describeError, type SyslogTarget, type TargetStats } from './syslog-target.ts';

export type StreamState = 'backoff' | 'connecting' | 'connected' | 'closed';

export interface StreamTargetOptions {
  readonly name: string;
  readonly config: TcpTargetConfig | TlsTargetConfig;
  readonly queue: DiskQueue;
  readonly resendWindow: number;
  readonly reconnect: SyslogReconnectConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

const CLOSE_WAIT_MS = 2_000;

function readPem(setting: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new PalisadeError('config_invalid', `syslog target ${setting}: cannot read ${path}`, {
      details: { setting },
      cause: err,
    });
  }
}

/** TLS client options: TLS 1.2+, certificate chain and name always verified (RFC 5425 §5.2). */
function tlsOptions(config: TlsTargetConfig): ConnectionOptions {
  const name = config.serverName ?? config.host;
  const ca = readPem('caFile', config.caFile);
  const cert = readPem('certFile', config.certFile);
  const key = readPem('keyFile', config.keyFile);
  return {
    host: config.host,
    port: config.port,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    // SNI takes host names only; the identity check always uses `name`.
    ...(isIP(name) ? {} : { servername: name }),
    checkServerIdentity: (_host, peer) => checkServerIdentity(name, peer),
  };
}

export class StreamTarget implements SyslogTarget {
  readonly name: string;
  readonly #options: StreamTargetOptions;
  readonly #queue: DiskQueue;
  readonly #tls: ConnectionOptions | undefined;
  readonly #framing: StreamFraming;
  #state: StreamState = 'backoff';
  #socket: Socket | undefined;
  /** Bumped per connection, so late callbacks of an old socket are ignored. */
  #generation = 0;
  /** Queued records (from the oldest) written on this connection / whose write completed. */
  #written = 0;
  #done = 0;
  #attempt = 0;
  #timer: TimerHandle | undefined;
  #peerEnded = false;
  #idle: (() => void)[] = [];
  #closing: Promise<void> | undefined;
  #sent = 0;
  #resent = 0;
  #errors = 0;
  #reportedDown = false;
  #lastError: string | undefined;

  constructor(options: StreamTargetOptions) {
    this.name = options.name;
    this.#options = options;
    this.#queue = options.queue;
    const { config } = options;
    this.#tls = config.kind === 'tls' ? tlsOptions(config) : undefined;
    this.#framing = config.kind === 'tcp' ? (config.framing ?? 'octet-counting') : 'octet-counting';
    this.#connect();
  }

  get state(): StreamState {
    return this.#state;
  }

  send(message: FormattedMessage): void {
    if (this.#state === 'closed') return;
    this.#dropped(this.#queue.append(message));
    this.#pump();
  }

  /** The queue dropped its `n` oldest records: our indices shift with it. */
  #dropped(n: number): void {
    if (n === 0) return;
    this.#written = Math.max(0, this.#written - n);
    this.#done = Math.max(0, this.#done - n);
  }

  #connect(): void {
    this.#timer = undefined;
    this.#state = 'connecting';
    this.#peerEnded = false;
    const generation = ++this.#generation;
    const { config, reconnect, clock } = this.#options;
    const socket = this.#tls
      ? tlsConnect(this.#tls)
      : netConnect({ host: config.host, port: config.port });
    this.#socket = socket;
    this.#timer = clock.setTimeout(
      () => socket.destroy(new Error('connect timeout')),
      reconnect.connectTimeoutMs,
    );
    socket.once(this.#tls ? 'secureConnect' : 'connect', () => {
      if (generation !== this.#generation) return;
      this.#timer?.cancel();
      this.#timer = undefined;
      this.#state = 'connected';
      this.#written = 0;
      this.#done = 0;
      socket.setKeepAlive(true, 30_000);
      this.#options.logger.info('syslog: connected to collector', {
        target: this.name,
        replaying: this.#queue.length,
      });
      this.#reportedDown = false;
      this.#pump();
    });
    socket.on('data', () => undefined); // collectors send nothing; read to see their close
    socket.on('drain', () => generation === this.#generation && this.#pump());
    socket.on('error', (err) => {
      if (generation !== this.#generation) return;
      this.#errors++;
      this.#lastError = describeError(err);
    });
    socket.on('end', () => {
      this.#peerEnded = true;
      if (this.#state !== 'closed') socket.destroy();
    });
    socket.on('close', () => this.#onClose(generation));
  }

  #onClose(generation: number): void {
    if (generation !== this.#generation) return;
    this.#socket = undefined;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#wakeIdle();
    if (this.#state === 'closed') return;
    // Whatever went out on this connection may or may not have arrived.
    this.#queue.markResent(this.#written);
    this.#written = 0;
    this.#done = 0;
    if (!this.#reportedDown) {
      this.#reportedDown = true;
      this.#options.logger.warn('syslog: collector unreachable, queueing on disk', {
        target: this.name,
        error: this.#lastError ?? 'connection closed',
      });
    }
    const { initialDelayMs, maxDelayMs } = this.#options.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    const delay = Math.round((base * randomInt(800, 1201)) / 1000);
    this.#state = 'backoff';
    this.#timer = this.#options.clock.setTimeout(() => this.#connect(), delay);
  }

  #pump(): void {
    const socket = this.#socket;
    if (this.#state !== 'connected' || !socket) return;
    const generation = this.#generation;
    while (this.#written < this.#queue.length && !socket.writableNeedDrain) {
      const record = this.#queue.at(this.#written);
      if (!record) break;
      if (record.resent) this.#resent++;
      this.#written++;
      this.#sent++;
      const line = record.resent ? markResent(record) : record.line;
      socket.write(frameMessage(line, this.#framing), (err) => {
        if (!err && generation === this.#generation) this.#onWritten();
      });
    }
  }

  #onWritten(): void {
    this.#done++;
    this.#attempt = 0;
    this.#lastError = undefined;
    const surplus = this.#done - this.#options.resendWindow;
    if (surplus > 0) {
      this.#queue.confirm(surplus);
      this.#written -= surplus;
      this.#done -= surplus;
    }
    if (this.#done === this.#written && this.#written === this.#queue.length) this.#wakeIdle();
  }

  #wakeIdle(): void {
    for (const wake of this.#idle.splice(0)) wake();
  }

  async flush(): Promise<void> {
    await this.#queue.flush();
    if (this.#state !== 'connected') return;
    if (this.#done === this.#written && this.#written === this.#queue.length) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const wasConnected = this.#state === 'connected';
    if (wasConnected) await this.#bounded(this.flush());
    this.#state = 'closed';
    this.#timer?.cancel();
    this.#timer = undefined;
    const socket = this.#socket;
    if (socket && !wasConnected) socket.destroy();
    else if (socket) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.end();
      await this.#bounded(closed);
      // The collector read up to our end and closed in turn: it has everything written.
      if (wasConnected && this.#peerEnded && this.#done === this.#written)
        this.#queue.confirm(this.#written);
      socket.destroy();
    }
    this.#wakeIdle();
    await this.#queue.close();
  }

  /** Waits for `promise`, at most CLOSE_WAIT_MS (real time: shutdown must not hang). */
  async #bounded(promise: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    });
    await Promise.race([promise, timeout]);
    clearTimeout(timer);
  }

  stats(): TargetStats {
    const queue = this.#queue.stats();
    return {
      name: this.name,
      kind: this.#options.config.kind,
      state: this.#state,
      sent: this.#sent,
      resent: this.#resent,
      dropped: queue.dropped,
      errors: this.#errors,
      queued: queue.queued,
      queuedBytes: queue.queuedBytes,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }
}
