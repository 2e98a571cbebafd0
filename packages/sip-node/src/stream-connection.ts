/**
 * One TCP or TLS connection: frames the byte stream into messages
 * (RFC 3261 §18.3), answers RFC 5626 §3.5.1 CRLFCRLF pings with a CRLF
 * pong, closes after an idle period, and closes at once on broken framing
 * (after answering 400/513 when the broken message was a readable request).
 */
import type { Socket } from 'node:net';
import { SipStreamFramer, parseErrorResponse } from '@palisade/sip';
import type { ParseLimits, SipMessage, TransportName } from '@palisade/sip';
import type { SipConnection } from './connection.ts';

const PONG = Buffer.from('\r\n');
/** A peer that does not read its answers is cut off past this many queued bytes. */
const MAX_WRITE_BACKLOG = 1024 * 1024;

export interface StreamConnectionHooks {
  readonly message: (message: SipMessage, connection: StreamConnection) => void;
  /** Bytes that could not be used; `reply` answers them on this connection. */
  readonly rejected: (reason: string, connection: StreamConnection) => void;
  readonly closed: (connection: StreamConnection) => void;
}

export interface StreamConnectionInit {
  readonly id: string;
  readonly transport: Extract<TransportName, 'TCP' | 'TLS'>;
  readonly socket: Socket;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly limits: Partial<ParseLimits>;
  readonly idleTimeoutMs: number;
  /** `server` for accepted connections (they get pings), `client` for ours (they get pongs). */
  readonly role: 'server' | 'client';
  readonly hooks: StreamConnectionHooks;
}

export class StreamConnection implements SipConnection {
  readonly id: string;
  readonly transport: Extract<TransportName, 'TCP' | 'TLS'>;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly #socket: Socket;
  readonly #framer: SipStreamFramer;
  readonly #hooks: StreamConnectionHooks;
  #closed = false;

  constructor(init: StreamConnectionInit) {
    this.id = init.id;
    this.transport = init.transport;
    this.remoteHost = init.remoteHost;
    this.remotePort = init.remotePort;
    this.#socket = init.socket;
    this.#hooks = init.hooks;
    this.#framer = new SipStreamFramer({ limits: init.limits, role: init.role });
    const socket = init.socket;
    socket.setNoDelay(true);
    socket.setTimeout(init.idleTimeoutMs, () => this.close());
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => this.close());
    socket.once('close', () => this.#ended());
  }

  get open(): boolean {
    return !this.#closed && !this.#socket.destroyed;
  }

  write(bytes: Buffer): void {
    if (!this.open) return;
    if (this.#socket.writableLength > MAX_WRITE_BACKLOG) {
      this.close();
      return;
    }
    this.#socket.write(bytes);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }

  /** Registers a one-time listener for the connection ending (e.g. a failed connect). */
  onceClosed(listener: () => void): void {
    if (this.#socket.destroyed) listener();
    else this.#socket.once('close', listener);
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    for (const event of this.#framer.push(chunk)) {
      switch (event.type) {
        case 'message':
          this.#hooks.message(event.message, this);
          break;
        case 'keepalive':
          if (event.kind === 'ping') this.write(PONG);
          break;
        case 'error': {
          const reply = parseErrorResponse(event.error);
          if (reply) this.write(reply);
          this.#hooks.rejected(event.error.reason, this);
          if (event.fatal) {
            // let the answer go out before the connection ends
            this.#closed = true;
            this.#socket.end();
            this.#socket.setTimeout(1_000, () => this.#socket.destroy());
          }
          break;
        }
      }
      if (this.#closed) break;
    }
  }

  #ended(): void {
    this.#closed = true;
    this.#hooks.closed(this);
  }
}
