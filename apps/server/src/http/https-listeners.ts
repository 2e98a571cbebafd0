/**
 * The HTTPS listeners: one per configured bind address, all serving the same
 * Fastify app, all hardened (TLS 1.2+, AEAD only, no renegotiation), all
 * picking up a renewed certificate without a restart.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hardenedTlsOptions } from '../tls/hardened-tls.ts';
import type { CertificateStore } from '../tls/certificate-store.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
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
    const dispatch: RequestHandler = (req, res) => {
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
        },
        dispatch,
      );
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
