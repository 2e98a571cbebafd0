/**
 * Authorization / Proxy-Authorization credentials and WWW-Authenticate /
 * Proxy-Authenticate challenges (RFC 3261 §20.7, §20.27, §20.28, §20.44,
 * §25.1; RFC 8760 algorithms; RFC 7616 userhash). The SIP side only parses
 * into plain, frozen objects; checking a response is the security package's
 * job. Other schemes are kept with their parameters (RFC 4475 §3.3.7).
 */
import { isToken } from '../grammar/char-classes.ts';
import { Scanner, quote } from '../grammar/value-scanner.ts';
import { badHeader } from '../grammar/sip-parse-error.ts';

export interface DigestCredentials {
  readonly kind: 'digest';
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  /** The digest-uri exactly as sent (the hash covers these bytes). */
  readonly uri: string;
  /** The request-digest, hex as sent. */
  readonly response: string;
  /** e.g. `MD5`, `MD5-sess`, `SHA-256`, `SHA-512-256`; `undefined` means MD5. */
  readonly algorithm: string | undefined;
  readonly cnonce: string | undefined;
  readonly opaque: string | undefined;
  /** `auth` or `auth-int` when sent. */
  readonly qop: string | undefined;
  /** nonce-count as sent (8 hex digits). */
  readonly nc: string | undefined;
  readonly userhash: boolean;
  /** Every parameter, names lower-cased, values unquoted. */
  readonly params: ReadonlyMap<string, string>;
}

export interface OtherCredentials {
  readonly kind: 'other';
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

export type Credentials = DigestCredentials | OtherCredentials;

export interface DigestChallenge {
  readonly kind: 'digest';
  readonly realm: string;
  readonly nonce: string;
  readonly domain: string | undefined;
  readonly opaque: string | undefined;
  readonly stale: boolean;
  readonly algorithm: string | undefined;
  /** qop-options, e.g. `['auth']`; empty when absent. */
  readonly qop: readonly string[];
  readonly userhash: boolean;
  readonly charset: string | undefined;
  readonly params: ReadonlyMap<string, string>;
}

export interface OtherChallenge {
  readonly kind: 'other';
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

export type Challenge = DigestChallenge | OtherChallenge;

function readAuth(value: string, header: string): { scheme: string; params: Map<string, string> } {
  const s = new Scanner(value, header);
  s.skipWs();
  const scheme = s.expectToken('auth scheme');
  const params = new Map<string, string>();
  if (s.done) return { scheme, params };
  if (!s.skipWs()) s.fail('expected LWS after the scheme');
  do {
    const name = s.expectToken('auth-param name').toLowerCase();
    s.expect('=', 'EQUAL');
    const v = s.peek() === 0x22 ? s.quoted() : s.expectToken('auth-param value');
    if (params.has(name)) s.fail(`duplicate ${name}`);
    params.set(name, v);
  } while (s.consume(','));
  s.end();
  return { scheme, params };
}

function required(params: Map<string, string>, name: string, header: string): string {
  const v = params.get(name);
  if (v === undefined) badHeader(header, `missing ${name}`);
  return v;
}

export function parseCredentials(value: string, header = 'authorization'): Credentials {
  const { scheme, params } = readAuth(value, header);
  if (scheme.toLowerCase() !== 'digest') return Object.freeze({ kind: 'other', scheme, params });
  const nc = params.get('nc');
  if (nc !== undefined && !/^[0-9a-fA-F]{8}$/.test(nc)) badHeader(header, 'bad nc');
  return Object.freeze({
    kind: 'digest',
    username: required(params, 'username', header),
    realm: required(params, 'realm', header),
    nonce: required(params, 'nonce', header),
    uri: required(params, 'uri', header),
    response: required(params, 'response', header),
    algorithm: params.get('algorithm'),
    cnonce: params.get('cnonce'),
    opaque: params.get('opaque'),
    qop: params.get('qop'),
    nc,
    userhash: params.get('userhash')?.toLowerCase() === 'true',
    params,
  });
}

export function parseChallenge(value: string, header = 'www-authenticate'): Challenge {
  const { scheme, params } = readAuth(value, header);
  if (scheme.toLowerCase() !== 'digest') return Object.freeze({ kind: 'other', scheme, params });
  const qop = params.get('qop');
  return Object.freeze({
    kind: 'digest',
    realm: required(params, 'realm', header),
    nonce: required(params, 'nonce', header),
    domain: params.get('domain'),
    opaque: params.get('opaque'),
    stale: params.get('stale')?.toLowerCase() === 'true',
    algorithm: params.get('algorithm'),
    qop:
      qop === undefined
        ? []
        : qop
            .split(',')
            .map((q) => q.trim())
            .filter((q) => q.length > 0),
    userhash: params.get('userhash')?.toLowerCase() === 'true',
    charset: params.get('charset'),
    params,
  });
}

/** Parameters written without quotes (RFC 3261 §25.1, RFC 7616 §3.3–3.4). */
const UNQUOTED = new Set(['algorithm', 'stale', 'nc', 'userhash', 'charset']);

function formatParams(entries: Iterable<readonly [string, string]>, quoteQop: boolean): string {
  const out: string[] = [];
  for (const [name, value] of entries) {
    const bare = UNQUOTED.has(name) || (name === 'qop' && !quoteQop);
    out.push(`${name}=${bare && isToken(value) ? value : quote(value)}`);
  }
  return out.join(', ');
}

export interface DigestChallengeInit {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm?: string;
  readonly qop?: readonly string[];
  readonly opaque?: string;
  readonly stale?: boolean;
  readonly domain?: string;
  readonly userhash?: boolean;
}

/**
 * The value of a WWW-Authenticate / Proxy-Authenticate header for a digest
 * challenge: quoted realm, domain, nonce, opaque and qop; bare stale,
 * algorithm (when a token) and userhash. Written straight into one string:
 * every challenge of every unauthenticated request comes through here.
 */
export function formatDigestChallenge(c: DigestChallengeInit): string {
  let out = `Digest realm=${quote(c.realm)}`;
  if (c.domain !== undefined) out += `, domain=${quote(c.domain)}`;
  out += `, nonce=${quote(c.nonce)}`;
  if (c.opaque !== undefined) out += `, opaque=${quote(c.opaque)}`;
  if (c.stale) out += ', stale=TRUE';
  if (c.algorithm !== undefined)
    out += `, algorithm=${isToken(c.algorithm) ? c.algorithm : quote(c.algorithm)}`;
  if (c.qop !== undefined && c.qop.length > 0) out += `, qop=${quote(c.qop.join(','))}`;
  if (c.userhash) out += ', userhash=true';
  return out;
}

/** The value of an Authorization header for any parsed or built credentials. */
export function formatCredentials(c: Credentials | Omit<DigestCredentials, 'params'>): string {
  if (c.kind === 'other') return `${c.scheme} ${formatParams(c.params, false)}`;
  const entries: [string, string][] = [
    ['username', c.username],
    ['realm', c.realm],
    ['nonce', c.nonce],
    ['uri', c.uri],
    ['response', c.response],
  ];
  if (c.algorithm !== undefined) entries.push(['algorithm', c.algorithm]);
  if (c.cnonce !== undefined) entries.push(['cnonce', c.cnonce]);
  if (c.opaque !== undefined) entries.push(['opaque', c.opaque]);
  if (c.qop !== undefined) entries.push(['qop', c.qop]);
  if (c.nc !== undefined) entries.push(['nc', c.nc]);
  if (c.userhash) entries.push(['userhash', 'true']);
  return `Digest ${formatParams(entries, false)}`;
}

export function formatChallenge(c: Challenge): string {
  return c.kind === 'other'
    ? `${c.scheme} ${formatParams(c.params, true)}`
    : `Digest ${formatParams(c.params, true)}`;
}
