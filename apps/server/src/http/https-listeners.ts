/**
 * The HTTPS listeners: one per configured bind address, all serving the same
 * Fastify app, all hardened (TLS 1.2+, AEAD only, no renegotiation), all
 * picking up a renewed certificate without a restart.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hardenedTlsOptions } from '../tls/hardened-tls.ts';
import type { CertificateStore } from '../tls/certificate-store.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Intrusion prevention (issue 7): consulted per connection before TLS and per request. */
  readonly guard?: HttpGuard | undefined;
}

/** What the listeners ask intrusion prevention; see ids/http-ids-guard.ts. */
export interface HttpGuard {
  /** On 'connection', before the TLS handshake: false destroys the socket. */
  admitConnection(socket: Socket): boolean;
  /** Per request: `drop` closes the connection, `busy` answers 503, `pass` serves it. */
  admitRequest(req: IncomingMessage): 'pass' | 'drop' | 'busy';
  /** The request is answered (or its connection gone). */
  requestDone(): void;
  /** A client too slow to send its headers or request (`headersTimeoutMs`, `requestTimeoutMs`). */
  slowClient(address: string | undefined): void;
}

export class HttpsListeners {
  readonly servers: Server[] = [];
  #handler: RequestHandler | null = null;
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  constructor(
    certificates: CertificateStore,
    addresses: readonly string[],
    limits: ListenerLimits,
  ) {
    const guard = limits.guard;
    const dispatch: RequestHandler = (req, res) => {
      if (guard) {
        const verdict = guard.admitRequest(req);
        if (verdict === 'drop') {
          req.socket.destroy();
          return;
        }
        res.once('close', () => guard.requestDone());
        if (verdict === 'busy') {
          res.writeHead(503, { 'retry-after': '5', connection: 'close' });
          res.end();
          return;
        }
      }
      if (this.#handler) this.#handler(req, res);
      else {
        res.statusCode = 503;
        res.end();
      }
    };
    for (const _address of addresses) {
      const server = createServer(
        {
          ...hardenedTlsOptions(),
          cert: certificates.current.certPem,
          key: certificates.current.keyPem,
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: 5_000,
          // slow TLS handshakes count against the same budget as slow headers
          handshakeTimeout: limits.headersTimeoutMs,
          // how often the request timeouts above are checked (Node's default is 30 s)
          connectionsCheckingInterval: 1_000,
        },
        dispatch,
      );
      if (guard) {
        server.on('connection', (socket: Socket) => {
          if (!guard.admitConnection(socket)) socket.destroy();
        });
        server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
          const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
          // A connection that sent nothing at all is a browser's preconnect
          // left unused, not a slow client: it is closed, not counted (the
          // per-source connection cap bounds how many can be held open).
          if (timedOut && (socket as Socket).bytesRead > 0)
            guard.slowClient((socket as Socket).remoteAddress);
          if (timedOut && socket.writable)
            socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
          else if (socket.writable && err.code === 'HPE_HEADER_OVERFLOW')
            socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
          else if (socket.writable)
            socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
          else socket.destroy();
        });
      }
      this.servers.push(server);
    }
    this.#addresses = addresses;
    this.#unsubscribe = certificates.onChange((pair) => {
      for (const s of this.servers)
        s.setSecureContext({ ...hardenedTlsOptions(), cert: pair.certPem, key: pair.keyPem });
    });
  }

  #addresses: readonly string[];

  /** Fastify's `serverFactory` hands us its request handler through this. */
  setHandler(handler: RequestHandler): void {
    this.#handler = handler;
  }

  async listen(port: number): Promise<AddressInfo[]> {
    const bound: AddressInfo[] = [];
    let actualPort = port;
    for (const [i, server] of this.servers.entries()) {
      const host = this.#addresses[i] ?? '0.0.0.0';
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // With port 0 the first listener picks a port and the others share it.
        server.listen({ port: actualPort, host, ipv6Only: host.includes(':') }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const addr = server.address() as AddressInfo;
      actualPort = addr.port;
      bound.push(addr);
    }
    return bound;
  }

  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts the rest. */
  async close(graceMs = 10_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(timer);
              resolve();
            });
            server.closeIdleConnections();
          }),
      ),
    );
  }
}
