/**
 * SIP transports on Node sockets: UDP (node:dgram), TCP (node:net), TLS
 * (node:tls) and WebSocket/WSS (RFC 7118, the `ws` package in noServer
 * mode, fed by the HTTPS listeners), IPv4 and IPv6. One object implements
 * the transaction layer's `SipTransport` for all of them.
 *
 * Receiving: every request gets `received`/`rport` on its top Via
 * (RFC 3261 §18.2.1, RFC 3581 §4); broken input is answered 400/505/513
 * where a response is possible and dropped otherwise; a thrown bug in the
 * receiver is logged, never allowed to crash the process.
 *
 * Sending responses (RFC 3261 §18.2.2): over a reliable transport back on
 * the connection the request came on; if it is gone, a new connection to
 * `received` (or the sent-by host) and the rport or sent-by port. Over UDP
 * to `received` and rport (RFC 3581 §4), else the sent-by port.
 *
 * Sending requests: an existing connection to the destination is reused
 * (connection reuse); TCP and TLS open one if needed; WebSocket peers can
 * only be reached on the connection they opened.
 */
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, createServer as createNetServer, isIP } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type {
  ConnectionOptions,
  SecureContextOptions,
  Server as TlsServer,
  TlsOptions,
} from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { PalisadeError, nullLogger } from '@palisade/common';
import type { Logger } from '@palisade/common';
import type {
  Destination,
  SipMessage,
  SipResponse,
  SipTransport,
  TransportName,
} from '@palisade/sip';
import { bareHost, remoteKey } from './connection.ts';
import type { SipConnection } from './connection.ts';
import { ConnectionTable } from './connection-table.ts';
import { admitMessage, parseInbound } from './inbound.ts';
import type { Inbound } from './inbound.ts';
import { StreamConnection } from './stream-connection.ts';
import { WsConnection } from './ws-connection.ts';

export type ListenTransport = 'UDP' | 'TCP' | 'TLS';

export interface ListenerSpec {
  readonly transport: ListenTransport;
  /** An IPv4 or IPv6 address (`0.0.0.0`, `::` for all). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface BoundListener {
  readonly transport: ListenTransport;
  readonly host: string;
  readonly port: number;
}

export interface SipNodeTransportOptions {
  /** Every message received, after Via stamping; normally `TransactionLayer.receive`. */
  readonly receive: (message: SipMessage, source: Destination) => void;
  readonly logger?: Logger;
  /** Largest message accepted; default 16 KiB. */
  readonly maxMessageBytes?: number;
  /** Connections of all reliable transports together; default 10 000. */
  readonly maxConnections?: number;
  /** Inbound connections from one IP address; default 64. */
  readonly maxConnectionsPerSource?: number;
  /** A connection with no traffic for this long is closed; default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** Certificate, key and hardened options for the TLS listeners. */
  readonly tls?: SecureContextOptions & Pick<TlsOptions, 'honorCipherOrder'>;
  /** Options for connections we open over TLS (e.g. `ca`); without them we open none. */
  readonly tlsClient?: ConnectionOptions;
  /**
   * WebSocket upgrades: whether a request with this Origin header (undefined
   * when absent) may connect. Default: only requests without Origin.
   */
  readonly allowOrigin?: (origin: string | undefined) => boolean;
  /** Host to put in the Via of requests we send when a listener is bound to a wildcard. */
  readonly advertisedHost?: string;
  /**
   * Consulted before anything is parsed (intrusion prevention): false drops
   * a datagram, refuses a TCP/TLS connection before the handshake, or
   * refuses a WebSocket upgrade. Called per datagram and per connection.
   */
  readonly admitSource?: (address: string, transport: TransportName) => boolean;
  /** Told about every message that did not parse (the intrusion detector counts them). */
  readonly onRejected?: (source: Destination, reason: string) => void;
  /**
   * Messages a second one WebSocket connection may send (a burst of as
   * many); beyond it the connection is closed with 1008. Default 50; 0: no cap.
   */
  readonly wsMaxMessagesPerSecond?: number;
  /** Told about every WebSocket connection closed for its message rate. */
  readonly onMessageFlood?: (source: Destination) => void;
  /**
   * Told once about every connection of a reliable transport (TCP, TLS, WS,
   * WSS) that has closed, whoever closed it; `connectionId` names it. The
   * registrar drops the WS/WSS bindings made over it (RFC 7118 §5).
   */
  readonly onConnectionClosed?: (source: Destination) => void;
}

/**
 * How a UDP socket resolves the address it sends to. Ours are IP literals
 * (a response goes back to the address it came from): answer at once.
 * Node's default (dns.lookup) answers a literal on the next tick, one more
 * closure and tick for every datagram sent. Names still go to dns.lookup.
 */
function literalLookup(
  address: string,
  family: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else dnsLookup(address, { family: family === 6 ? 6 : 4 }, callback);
}

const DEFAULT_PORT: Record<TransportName, number> = {
  UDP: 5060,
  TCP: 5060,
  SCTP: 5060,
  TLS: 5061,
  WS: 80,
  WSS: 443,
};

interface UdpListener {
  readonly id: string;
  readonly socket: UdpSocket;
  readonly family: 4 | 6;
  readonly host: string;
  port: number;
}

interface StreamListener {
  readonly transport: 'TCP' | 'TLS';
  readonly server: NetServer | TlsServer;
  readonly family: 4 | 6;
  readonly host: string;
  port: number;
}

function familyOf(host: string): 4 | 6 {
  return isIP(bareHost(host)) === 6 ? 6 : 4;
}

export class SipNodeTransport implements SipTransport {
  readonly #options: SipNodeTransportOptions;
  readonly #logger: Logger;
  readonly #limits: { maxMessageBytes: number };
  readonly #idleTimeoutMs: number;
  readonly #table: ConnectionTable;
  readonly #udp: UdpListener[] = [];
  readonly #streams: StreamListener[] = [];
  readonly #ws: WebSocketServer;
  #closed = false;

  constructor(options: SipNodeTransportOptions) {
    this.#options = options;
    this.#logger = options.logger ?? nullLogger;
    this.#limits = { maxMessageBytes: options.maxMessageBytes ?? 16 * 1024 };
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
    this.#table = new ConnectionTable({
      maxConnections: options.maxConnections ?? 10_000,
      maxConnectionsPerSource: options.maxConnectionsPerSource ?? 64,
    });
    this.#ws = new WebSocketServer({
      noServer: true,
      maxPayload: this.#limits.maxMessageBytes,
      clientTracking: false,
      perMessageDeflate: false,
      // RFC 7118 §4: the `sip` subprotocol is required
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
  }

  /** Live connections (TCP, TLS, WS, WSS). */
  get connectionCount(): number {
    return this.#table.size;
  }

  /** Binds the listeners; resolves with the addresses and ports actually bound. */
  async listen(specs: readonly ListenerSpec[]): Promise<BoundListener[]> {
    const bound: BoundListener[] = [];
    for (const spec of specs) {
      const port =
        spec.transport === 'UDP' ? await this.#listenUdp(spec) : await this.#listenStream(spec);
      bound.push({ transport: spec.transport, host: spec.host, port });
    }
    return bound;
  }

  #listenUdp(spec: ListenerSpec): Promise<number> {
    const family = familyOf(spec.host);
    const socket = createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      ipv6Only: family === 6,
      recvBufferSize: 4 * 1024 * 1024,
      sendBufferSize: 4 * 1024 * 1024,
      lookup: literalLookup,
    });
    const listener: UdpListener = {
      id: `udp:${this.#udp.length}`,
      socket,
      family,
      host: spec.host,
      port: 0,
    };
    socket.on('message', (bytes, rinfo) => {
      if (this.#options.admitSource?.(rinfo.address, 'UDP') === false) return;
      const source: Destination = {
        transport: 'UDP',
        host: rinfo.address,
        port: rinfo.port,
        reliable: false,
        connectionId: listener.id,
      };
      // RFC 5626 §4.4.1 style CRLF keep-alives over UDP carry no message
      if (bytes.every((b) => b === 0x0d || b === 0x0a)) return;
      this.#deliver(parseInbound(bytes, source, this.#limits), source, (reply) =>
        socket.send(reply, rinfo.port, rinfo.address),
      );
    });
    socket.on('error', (err) => this.#logger.warn('SIP UDP socket error', { error: err.message }));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(spec.port, bareHost(spec.host), () => {
        socket.off('error', reject);
        listener.port = socket.address().port;
        this.#udp.push(listener);
        resolve(listener.port);
      });
    });
  }

  #listenStream(spec: ListenerSpec): Promise<number> {
    const transport = spec.transport as 'TCP' | 'TLS';
    let server: NetServer | TlsServer;
    if (transport === 'TLS') {
      if (!this.#options.tls)
        throw new PalisadeError('config_invalid', 'a TLS listener needs a certificate');
      const tls = createTlsServer({ ...this.#options.tls, handshakeTimeout: 10_000 });
      tls.on('secureConnection', (socket) => this.#accepted(socket, 'TLS'));
      tls.on('tlsClientError', () => undefined);
      server = tls;
    } else {
      server = createNetServer();
    }
    // caps are checked on the raw connection, before any TLS handshake work
    server.on('connection', (socket: Socket) => {
      if (this.#options.admitSource?.(socket.remoteAddress ?? '', transport) === false) {
        socket.destroy();
        return;
      }
      if (this.#admitRaw(socket) && transport === 'TCP') this.#accepted(socket, 'TCP');
    });
    server.on('error', (err: Error) =>
      this.#logger.warn('SIP listener error', { transport, error: err.message }),
    );
    const listener: StreamListener = {
      transport,
      server,
      family: familyOf(spec.host),
      host: spec.host,
      port: 0,
    };
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(
        { port: spec.port, host: bareHost(spec.host), ipv6Only: familyOf(spec.host) === 6 },
        () => {
          server.off('error', reject);
          const addr = server.address();
          listener.port = typeof addr === 'object' && addr ? addr.port : spec.port;
          this.#streams.push(listener);
          resolve(listener.port);
        },
      );
    });
  }

  #admitRaw(socket: Socket): boolean {
    const source = socket.remoteAddress ?? '';
    if (this.#closed || !this.#table.admit(source)) {
      this.#logger.debug('SIP connection refused: connection cap', { source });
      socket.destroy();
      return false;
    }
    socket.once('close', () => this.#table.release(source));
    return true;
  }

  #accepted(socket: Socket, transport: 'TCP' | 'TLS'): void {
    if (socket.destroyed) return;
    this.#wrapStream(
      socket,
      transport,
      socket.remoteAddress ?? '',
      socket.remotePort ?? 0,
      'server',
    );
  }

  #wrapStream(
    socket: Socket,
    transport: 'TCP' | 'TLS',
    remoteHost: string,
    remotePort: number,
    role: 'server' | 'client',
  ): StreamConnection {
    const connection = new StreamConnection({
      id: `${transport.toLowerCase()}:${randomUUID()}`,
      transport,
      socket,
      remoteHost,
      remotePort,
      limits: this.#limits,
      idleTimeoutMs: this.#idleTimeoutMs,
      role,
      hooks: {
        message: (message, conn) => {
          const source = this.#sourceOf(conn);
          this.#deliver(admitMessage(message, source), source, (reply) => conn.write(reply));
        },
        rejected: (reason, conn) => {
          this.#logger.debug('SIP message rejected', {
            reason,
            transport,
            source: conn.remoteHost,
          });
          this.#options.onRejected?.(this.#sourceOf(conn), reason);
        },
        closed: (conn) => this.#connectionClosed(conn),
      },
    });
    this.#table.add(connection);
    return connection;
  }

  /**
   * Hands an HTTP upgrade request for the SIP WebSocket path to this
   * transport (the HTTPS listeners call it for `/sip`). Refuses a foreign
   * Origin with 403, a missing `sip` subprotocol with 400, and a full
   * connection table with 503.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    const address = request.socket.remoteAddress ?? '';
    if (this.#options.admitSource?.(address, secure ? 'WSS' : 'WS') === false) {
      socket.destroy();
      return;
    }
    const origin = request.headers.origin;
    const allow = this.#options.allowOrigin ?? ((o) => o === undefined);
    if (!allow(origin)) return refuseUpgrade(socket, 403, 'Forbidden');
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim().toLowerCase());
    if (!offered.includes('sip')) return refuseUpgrade(socket, 400, 'Bad Request');
    const remoteHost = request.socket.remoteAddress ?? '';
    const remotePort = request.socket.remotePort ?? 0;
    if (this.#closed || !this.#table.admit(remoteHost))
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    let released = false;
    const release = (): void => {
      if (!released) this.#table.release(remoteHost);
      released = true;
    };
    socket.once('close', release);
    this.#ws.handleUpgrade(request, socket, head, (ws) => {
      const transport = secure ? 'WSS' : 'WS';
      const connection = new WsConnection({
        id: `${transport.toLowerCase()}:${randomUUID()}`,
        transport,
        ws,
        remoteHost,
        remotePort,
        idleTimeoutMs: this.#idleTimeoutMs,
        maxMessagesPerSecond: this.#options.wsMaxMessagesPerSecond ?? 50,
        hooks: {
          flooded: (conn) => {
            this.#logger.debug('SIP WebSocket closed for its message rate', {
              source: conn.remoteHost,
            });
            this.#options.onMessageFlood?.(this.#sourceOf(conn));
          },
          message: (bytes, conn) => {
            if (bytes.every((b) => b === 0x0d || b === 0x0a)) {
              if (bytes.length >= 4) conn.write(Buffer.from('\r\n'));
              return;
            }
            const source = this.#sourceOf(conn);
            this.#deliver(parseInbound(bytes, source, this.#limits), source, (reply) =>
              conn.write(reply),
            );
          },
          closed: (conn) => {
            release();
            this.#connectionClosed(conn);
          },
        },
      });
      this.#table.add(connection);
    });
  }

  /** Swaps the TLS certificate and options of every TLS listener (no restart). */
  setSecureContext(options: SecureContextOptions): void {
    for (const l of this.#streams)
      if (l.transport === 'TLS') (l.server as TlsServer).setSecureContext(options);
  }

  #connectionClosed(conn: SipConnection): void {
    this.#table.remove(conn);
    this.#options.onConnectionClosed?.(this.#sourceOf(conn));
  }

  #sourceOf(conn: SipConnection): Destination {
    return {
      transport: conn.transport,
      host: conn.remoteHost,
      port: conn.remotePort,
      reliable: true,
      connectionId: conn.id,
    };
  }

  #deliver(inbound: Inbound, source: Destination, reply: (bytes: Buffer) => void): void {
    if (inbound.kind === 'rejected') {
      this.#logger.debug('SIP message rejected', {
        reason: inbound.error.reason,
        transport: source.transport,
        source: source.host,
      });
      this.#options.onRejected?.(source, inbound.error.reason);
      if (inbound.reply) reply(inbound.reply);
      return;
    }
    try {
      this.#options.receive(inbound.message, source);
    } catch (err) {
      // a bug above us must not take the listener down with it
      this.#logger.error('SIP receiver failed', {
        error: err instanceof Error ? err.message : String(err),
        transport: source.transport,
      });
    }
  }

  send(
    message: SipMessage,
    destination: Destination,
    onError: (error: PalisadeError) => void,
  ): void {
    if (this.#closed) {
      onError(new PalisadeError('unavailable', 'SIP transport is closed'));
      return;
    }
    const bytes = message.toBuffer();
    if (message.isRequest) this.#sendTo(bytes, destination, onError);
    else this.#sendResponse(message, bytes, destination, onError);
  }

  #sendResponse(
    response: SipResponse,
    bytes: Buffer,
    destination: Destination,
    onError: (error: PalisadeError) => void,
  ): void {
    if (destination.reliable && destination.connectionId) {
      const conn = this.#table.byId(destination.connectionId);
      if (conn) {
        conn.write(bytes);
        return;
      }
    }
    // §18.2.2 / RFC 3581 §4: where the top Via says
    const via = response.topVia;
    const transport = (
      via.transport in DEFAULT_PORT ? via.transport : destination.transport
    ) as TransportName;
    const host = via.received ?? bareHost(via.host);
    const port = via.rport ?? via.port ?? DEFAULT_PORT[transport];
    this.#sendTo(
      bytes,
      {
        transport,
        host,
        port,
        reliable: transport !== 'UDP',
        ...(transport === 'UDP' && destination.connectionId
          ? { connectionId: destination.connectionId }
          : {}),
      },
      onError,
    );
  }

  #sendTo(bytes: Buffer, destination: Destination, onError: (error: PalisadeError) => void): void {
    const host = bareHost(destination.host);
    if (destination.transport === 'UDP') {
      const listener = this.#udpFor(destination.connectionId, host);
      if (!listener) {
        onError(new PalisadeError('unavailable', 'no UDP listener for this address family'));
        return;
      }
      listener.socket.send(bytes, destination.port, host, (err) => {
        if (err) onError(new PalisadeError('unavailable', 'UDP send failed', { cause: err }));
      });
      return;
    }
    const existing =
      (destination.connectionId ? this.#table.byId(destination.connectionId) : undefined) ??
      this.#table.byRemote(remoteKey(destination.transport, host, destination.port));
    if (existing) {
      existing.write(bytes);
      return;
    }
    if (destination.transport === 'TCP' || destination.transport === 'TLS') {
      this.#connect(destination.transport, host, destination.port, bytes, onError);
      return;
    }
    onError(
      new PalisadeError('unavailable', `no open ${destination.transport} connection to the peer`),
    );
  }

  #udpFor(connectionId: string | undefined, host: string): UdpListener | undefined {
    const byId = connectionId ? this.#udp.find((l) => l.id === connectionId) : undefined;
    if (byId) return byId;
    const family = familyOf(host);
    return this.#udp.find((l) => l.family === family);
  }

  #connect(
    transport: 'TCP' | 'TLS',
    host: string,
    port: number,
    bytes: Buffer,
    onError: (error: PalisadeError) => void,
  ): void {
    if (transport === 'TLS' && !this.#options.tlsClient) {
      onError(new PalisadeError('unavailable', 'outgoing TLS connections are not configured'));
      return;
    }
    if (!this.#table.admit(host, false)) {
      onError(new PalisadeError('overloaded', 'connection limit reached'));
      return;
    }
    const socket =
      transport === 'TLS'
        ? tlsConnect({
            ...this.#options.tlsClient,
            host,
            port,
            servername: isIP(host) ? undefined : host,
          })
        : netConnect({ host, port });
    socket.once('close', () => this.#table.release(host));
    let connected = false;
    socket.once(transport === 'TLS' ? 'secureConnect' : 'connect', () => (connected = true));
    socket.once('close', () => {
      if (!connected)
        onError(new PalisadeError('unavailable', `${transport} connection to the peer failed`));
    });
    socket.setTimeout(10_000);
    const connection = this.#wrapStream(socket, transport, host, port, 'client');
    connection.write(bytes);
  }

  sentBy(destination: Destination): { readonly host: string; readonly port: number } {
    const family = familyOf(destination.host);
    const transport = destination.transport;
    const listener =
      transport === 'UDP'
        ? this.#udp.find((l) => l.family === family)
        : this.#streams.find((l) => l.transport === transport && l.family === family);
    const host = listener?.host ?? '';
    const wildcard = host === '' || host === '0.0.0.0' || host === '::';
    const advertised = wildcard ? (this.#options.advertisedHost ?? '127.0.0.1') : host;
    return {
      host:
        familyOf(advertised) === 6 && !advertised.startsWith('[') ? `[${advertised}]` : advertised,
      port: listener?.port ?? DEFAULT_PORT[transport],
    };
  }

  /** Closes every listener and connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#table.all()) c.close();
    this.#ws.close();
    await Promise.all([
      ...this.#udp.map((l) => new Promise<void>((resolve) => l.socket.close(() => resolve()))),
      ...this.#streams.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))),
    ]);
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
