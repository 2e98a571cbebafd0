/** Helpers for the identity end-to-end tests: users with passwords, logins, cookies. */
import { CLI_ACTOR, type User } from '@palisade/pbx';
import { decodeBase32, hashPassword, totpCode } from '@palisade/security';
import { httpsClient, type HttpClient, type HttpResult } from '../../support/https-client.ts';
import type { TestPalisade } from '../../support/palisade.ts';

export const PASSWORD = 'correct horse battery staple 42';

/** Extensions are unique per tenant: each test server is fresh, so a counter is enough. */
let nextExtension = 200;

export async function makeUser(
  p: TestPalisade,
  username: string,
  opts: { admin?: boolean; email?: string; password?: string; extension?: string } = {},
): Promise<User> {
  const d = p.server.domain;
  const user = await d.users.create(CLI_ACTOR, {
    tenantId: d.defaultTenant.id,
    username,
    extension: opts.extension ?? String(nextExtension++),
    displayName: `${username} tester`,
    email: opts.email ?? null,
  });
  await d.store.users.update(user.id, {
    passwordHash: await hashPassword(opts.password ?? PASSWORD),
  });
  if (opts.admin) {
    const admins = await d.store.groups.findByName(d.defaultTenant.id, 'Admins');
    if (admins) await d.store.groups.addMember(admins.id, user.id);
  }
  return user;
}

/**
 * Enrols a confirmed TOTP factor through the service (the seed is stored
 * sealed), confirmed with the previous step's code so the current one is
 * still free for a login. Returns the seed.
 */
export async function enrolTotp(
  p: TestPalisade,
  user: { readonly tenantId: string; readonly id: string },
): Promise<Uint8Array> {
  const factors = p.server.domain.identity.factors;
  const begun = await factors.beginTotp(
    { tenantId: user.tenantId, userId: user.id },
    'Palisade',
    user.id,
    'app',
  );
  const seed = decodeBase32(begun.secret)!;
  await factors.confirmTotp(user.id, begun.factor.id, totpCode(seed, Date.now() - 30_000));
  return seed;
}

/** A client whose connections come from `localAddress` (127.0.0.x). */
export function clientFrom(p: TestPalisade, localAddress: string): HttpClient {
  return httpsClient(`https://127.0.0.1:${p.server.httpsPort}`, p.ca, { localAddress });
}

export function cookieOf(r: HttpResult): string {
  const set = r.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`no cookie in ${r.status} ${r.text}`);
  return first.split(';')[0]!;
}

export interface LoggedIn {
  readonly cookie: string;
  readonly csrf: string;
  readonly result: HttpResult;
}

export async function login(
  client: HttpClient,
  username: string,
  password = PASSWORD,
  client_: 'console' | 'app' = 'app',
): Promise<LoggedIn> {
  const result = await client.call('POST', '/api/v1/auth/login', {
    body: { username, password, client: client_ },
  });
  if (result.status !== 200 || result.json<{ status: string }>().status !== 'active')
    throw new Error(`login failed: ${result.status} ${result.text}`);
  return { cookie: cookieOf(result), csrf: result.json<{ csrfToken: string }>().csrfToken, result };
}

/** Headers of a same-origin browser request with the session. */
export function sessionHeaders(s: LoggedIn, origin?: string): Record<string, string> {
  return {
    cookie: s.cookie,
    'x-csrf-token': s.csrf,
    ...(origin ? { origin, 'sec-fetch-site': 'same-origin' } : {}),
  };
}
