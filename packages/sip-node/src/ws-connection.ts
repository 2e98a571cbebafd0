/**
 * One SIP-over-WebSocket connection (RFC 7118): each WebSocket message
 * carries exactly one SIP message (§5), text or binary; we send text
 * frames. Idle connections close after the idle timeout.
 */
import type { WebSocket } from 'ws';
import type { TransportName } from '@palisade/sip';
import type { SipConnection } from './connection.ts';

export interface WsConnectionHooks {
  readonly message: (bytes: Buffer, connection: WsConnection) => void;
  readonly closed: (connection: WsConnection) => void;
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
    hooks: WsConnectionHooks;
  }) {
    this.id = init.id;
    this.transport = init.transport;
    this.remoteHost = init.remoteHost;
    this.remotePort = init.remotePort;
    this.#ws = init.ws;
    this.#idle = setTimeout(() => this.close(), init.idleTimeoutMs);
    init.ws.on('message', (data) => {
      if (this.#closed) return;
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

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idle);
    this.#ws.terminate();
  }
}
