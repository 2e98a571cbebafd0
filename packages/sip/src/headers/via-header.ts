/**
 * Via (RFC 3261 §20.42, §18.2.1) with rport (RFC 3581). The branch carries
 * the transaction id; `received`/`rport` are what a server stamps on the top
 * Via of a request it receives.
 */
import { Params, readParams } from '../grammar/generic-params.ts';
import { Scanner } from '../grammar/value-scanner.ts';
import { isDigit, isHostnameChar } from '../grammar/char-classes.ts';
import { hostKind } from '../uri/uri-parser.ts';
import { splitList } from '../grammar/list-split.ts';

/** The RFC 3261 branch prefix; without it the sender follows RFC 2543 (§17.2.3). */
export const MAGIC_COOKIE = 'z9hG4bK';

export class Via {
  readonly protocol: string;
  readonly version: string;
  /** Transport in upper case: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
  readonly transport: string;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Params;

  constructor(
    transport: string,
    host: string,
    port: number | undefined,
    params: Params = Params.empty,
    protocol = 'SIP',
    version = '2.0',
  ) {
    this.protocol = protocol;
    this.version = version;
    this.transport = transport.toUpperCase();
    this.host = host;
    this.port = port;
    this.params = params;
  }

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  /** True when the branch is an RFC 3261 one (magic cookie plus something unique). */
  get hasRfc3261Branch(): boolean {
    const b = this.branch;
    return b !== undefined && b.startsWith(MAGIC_COOKIE) && b.length > MAGIC_COOKIE.length;
  }

  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  /** `undefined` absent, `null` requested (`;rport`), a number once filled in (RFC 3581 §4). */
  get rport(): number | null | undefined {
    const v = this.params.get('rport');
    return v === undefined || v === null ? v : Number(v);
  }

  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  get ttl(): number | undefined {
    const v = this.params.get('ttl');
    return v === undefined || v === null ? undefined : Number(v);
  }

  withParam(name: string, value: string | null | undefined): Via {
    const params =
      value === undefined ? this.params.without(name) : this.params.with(name, value, false);
    return new Via(this.transport, this.host, this.port, params, this.protocol, this.version);
  }

  withReceived(address: string): Via {
    return this.withParam('received', address);
  }

  /** Fills in rport with the source port (RFC 3581 §4: only if the client asked). */
  withRport(port: number): Via {
    return this.withParam('rport', String(port));
  }

  toString(): string {
    const port = this.port === undefined ? '' : `:${this.port}`;
    return `${this.protocol}/${this.version}/${this.transport} ${this.host}${port}${this.params.toString()}`;
  }
}

function parseViaParm(value: string): Via {
  const s = new Scanner(value, 'via');
  s.skipWs();
  const protocol = s.expectToken('protocol name');
  s.expect('/', 'SLASH');
  const version = s.expectToken('protocol version');
  s.expect('/', 'SLASH');
  const transport = s.expectToken('transport');
  if (!s.skipWs()) s.fail('expected LWS before sent-by');
  let host: string;
  if (s.peek() === 0x5b) {
    const close = s.text.indexOf(']', s.pos);
    if (close < 0) s.fail('unterminated IPv6 reference');
    host = s.text.slice(s.pos, close + 1);
    s.pos = close + 1;
  } else host = s.run(isHostnameChar);
  if (hostKind(host) === undefined) s.fail('bad sent-by host');
  let port: number | undefined;
  if (s.consume(':')) {
    const digits = s.run(isDigit);
    if (digits.length === 0 || digits.length > 5 || Number(digits) > 65535) s.fail('bad port');
    port = Number(digits);
  }
  const params = readParams(s);
  s.end();
  const ttl = params.get('ttl');
  if (ttl !== undefined && (ttl === null || !/^\d{1,3}$/.test(ttl) || Number(ttl) > 255))
    s.fail('bad ttl');
  const rport = params.get('rport');
  if (rport != null && (!/^\d{1,5}$/.test(rport) || Number(rport) > 65535)) s.fail('bad rport');
  const received = params.get('received');
  if (received !== undefined) {
    if (received === null) return s.fail('received without a value');
    const kind = hostKind(received.includes(':') ? `[${received}]` : received);
    if (kind !== 'ipv4' && kind !== 'ipv6') s.fail('bad received');
  }
  if (params.get('branch') === null) s.fail('branch without a value');
  return new Via(transport, host, port, params, protocol, version);
}

export function parseVia(value: string): Via[] {
  return splitList(value).map(parseViaParm);
}
