/**
 * One SIP-over-WebSocket connection (RFC 7118): each WebSocket message
 * carries exactly one SIP message (§5), text or binary; we send text
 * frames. Idle connections close after the idle timeout; a peer sending
 * more messages than the per-connection rate allows is closed (1008).
 */
import type { WebSocket } from 'ws';
import type { TransportName } from '@palisade/sip';
import type { SipConnection } from './connection.ts';
import { MessageRate } from './message-rate.ts';

export interface WsConnectionHooks {
  readonly message: (bytes: Buffer, connection: WsConnection) => void;
  readonly closed: (connection: WsConnection) => void;
  /** The peer exceeded the message rate; the connection is being closed. */
  readonly flooded?: (connection: WsConnection) => void;
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

export class WsConnection implements SipConnection {
  readonly id: string;
  readonly transport: Extract<TransportName, 'WS' | 'WSS'>;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly #ws: WebSocket;
  readonly #idle: NodeJS.Timeout;
  #closed = false;

  constructor(init: {
    id: string;
    transport: Extract<TransportName, 'WS' | 'WSS'>;
    ws: WebSocket;
    remoteHost: string;
    remotePort: number;
    idleTimeoutMs: number;
    /** Messages a second (with a burst of as many); 0: no cap. */
    maxMessagesPerSecond?: number;
    hooks: WsConnectionHooks;
  }) {
    this.id = init.id;
    this.transport = init.transport;
    this.remoteHost = init.remoteHost;
    this.remotePort = init.remotePort;
    this.#ws = init.ws;
    this.#idle = setTimeout(() => this.close(), init.idleTimeoutMs);
    const rate = init.maxMessagesPerSecond ? new MessageRate(init.maxMessagesPerSecond) : null;
    init.ws.on('message', (data) => {
      if (this.#closed) return;
      if (rate && !rate.take()) {
        init.hooks.flooded?.(this);
        this.#closeForPolicy();
        return;
      }
      this.#idle.refresh();
      init.hooks.message(toBuffer(data), this);
    });
    init.ws.on('error', () => this.close());
    init.ws.once('close', () => {
      this.#closed = true;
      clearTimeout(this.#idle);
      init.hooks.closed(this);
    });
  }

  get open(): boolean {
    return !this.#closed && this.#ws.readyState === this.#ws.OPEN;
  }

  write(bytes: Buffer): void {
    if (!this.open) return;
    this.#idle.refresh();
    this.#ws.send(bytes.toString('utf8'));
  }

  /** 1008 (policy violation) with a close frame; cut if the peer does not answer it soon. */
  #closeForPolicy(): void {
    this.#closed = true;
    clearTimeout(this.#idle);
    this.#ws.close(1008, 'message rate exceeded');
    setTimeout(() => this.#ws.terminate(), 1000).unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idle);
    this.#ws.terminate();
  }
}
