/**
 * A tiny OpenID provider that serves whatever ID token a test mints, for
 * the negative cases a real IdP never produces: tampered `iss`, `aud`,
 * `nonce`, an expired token, a wrong signature, `alg=none`. Discovery and
 * JWKS are honest; only the token endpoint lies.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { freeTcpPort } from '../../support/ports.ts';

export interface TokenRequest {
  readonly nonce: string;
  readonly form: URLSearchParams;
}

export type Minter = (req: TokenRequest) => string;

export interface FakeTokenIdp {
  readonly issuer: string;
  readonly key: KeyObject;
  /** A key the JWKS does not publish. */
  readonly otherKey: KeyObject;
  /** Sets how the next token responses are minted. */
  setMinter(m: Minter): void;
  /** Remembers the nonce of an authorization request (the test read it from the URL). */
  expectNonce(nonce: string): void;
  readonly tokenRequests: URLSearchParams[];
  stop(): Promise<void>;
}

export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A compact JWS; `alg` decides how (none, RS256 with `key`, HS256 with `secret`). */
export function mintJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject | null,
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  if (header['alg'] === 'none' || key === null) return `${input}.`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export async function startFakeTokenIdp(): Promise<FakeTokenIdp> {
  const port = await freeTcpPort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
  let minter: Minter = () => 'not-a-jwt';
  let nonce = '';
  const tokenRequests: URLSearchParams[] = [];
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path === '/.well-known/openid-configuration')
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        authorization_response_iss_parameter_supported: true,
      });
    if (path === '/jwks') return json(res, 200, { keys: [jwk] });
    if (path === '/token' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c.slice(0, 8192)));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        json(res, 200, {
          access_token: createHash('sha256').update(body).digest('base64url'),
          token_type: 'Bearer',
          expires_in: 300,
          id_token: minter({ nonce, form }),
        });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    key: privateKey,
    otherKey: other,
    setMinter: (m) => (minter = m),
    expectNonce: (n) => (nonce = n),
    tokenRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
