/**
 * A real OpenID provider for the SSO tests: the `oidc-provider` package on
 * 127.0.0.1 over plain HTTP (it allows an http:// issuer; Palisade allows it
 * only for a loopback issuer with `allowHttpLoopback`). One confidential
 * client is registered for Palisade with PKCE required. The login
 * interaction is ours: a small HTML form checking a fixed account table, so
 * a test decides the `amr` and `acr` the IdP asserts. Consent is implied
 * (first-party client).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { freeTcpPort } from '../../support/ports.ts';

export interface IdpAccount {
  readonly password: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
  readonly amr?: readonly string[];
  readonly acr?: string;
}

export interface OidcPeer {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accounts: Map<string, IdpAccount>;
  /** Requests the IdP saw, newest last (method and path with query). */
  readonly seen: string[];
  stop(): Promise<void>;
}

const MAX_BODY = 16 * 1024;

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(res: ServerResponse, uid: string, error: string | null): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Test IdP sign-in</title>
<h1>Test IdP</h1>${error ? `<p id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>User <input name="login" id="login" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password"></label>
<button type="submit" id="submit">Sign in</button></form>`);
}

export async function startOidcPeer(redirectUris: () => readonly string[]): Promise<OidcPeer> {
  const port = await freeTcpPort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'palisade-test';
  const clientSecret = 'palisade-test-client-secret-0123456789';
  const accounts = new Map<string, IdpAccount>();
  const seen: string[] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-1', use: 'sig', alg: 'RS256' };

  const config: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...redirectUris()],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [jwk] },
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    acrValues: ['urn:test:mfa'],
    // amr and acr ride on the openid scope so the ID token carries them.
    claims: {
      amr: null,
      acr: null,
      openid: ['sub', 'amr', 'acr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: a.email,
          email_verified: a.emailVerified,
          name: a.name,
          preferred_username: sub,
        }),
      };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  const handler = provider.callback();

  async function interaction(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') return loginPage(res, details.uid, null);
    if (req.method === 'POST' && path.endsWith('/login')) {
      const form = await readBody(req);
      const login = form.get('login') ?? '';
      const account = accounts.get(login);
      if (!account || account.password !== (form.get('password') ?? ''))
        return loginPage(res, details.uid, 'wrong user or password');
      await provider.interactionFinished(
        req,
        res,
        {
          login: {
            accountId: login,
            ...(account.amr ? { amr: [...account.amr] } : {}),
            ...(account.acr ? { acr: account.acr } : {}),
          },
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res.writeHead(405).end();
  }

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (path.startsWith('/interaction/')) {
      interaction(req, res, path).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
