/** A small HTTPS client for tests that trusts one given CA certificate (the server's self-signed one). */
import { request, type RequestOptions } from 'node:https';

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = unknown>(): T;
}

export interface HttpClient {
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<HttpResult>;
}

export function httpsClient(
  baseUrl: string,
  ca: string | Buffer,
  extra: RequestOptions = {},
): HttpClient {
  const base = new URL(baseUrl);
  return {
    call(method, path, opts = {}) {
      const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: base.hostname,
            port: base.port,
            path,
            method,
            ca,
            servername: 'localhost',
            // A fresh connection per call: a kept-alive socket the server already closed would hang up.
            agent: false,
            timeout: 10_000,
            headers: {
              ...(payload !== undefined && opts.raw === undefined
                ? { 'content-type': 'application/json' }
                : {}),
              ...(payload !== undefined
                ? { 'content-length': String(Buffer.byteLength(payload)) }
                : {}),
              ...opts.headers,
            },
            ...extra,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text,
                json: <T>() => JSON.parse(text) as T,
              });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${path}`)));
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    },
  };
}
