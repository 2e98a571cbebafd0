/**
 * name-addr / addr-spec with header parameters: From, To, Contact, Route,
 * Record-Route, Path, Refer-To (RFC 3261 §20.10, §20.20, §20.39; §25.1).
 * An addr-spec without angle brackets ends at the first ';' (what follows
 * are header parameters) and may not contain ',' or '?' (§20.10).
 */
import { Params, readParams } from '../grammar/generic-params.ts';
import { Scanner, quote } from '../grammar/value-scanner.ts';
import { isWs } from '../grammar/char-classes.ts';
import { parseUri } from '../uri/uri-parser.ts';
import { formatUri } from '../uri/uri-format.ts';
import type { Uri } from '../uri/uri-types.ts';

export class NameAddr {
  /** Display name, unquoted; `undefined` when absent. */
  readonly display: string | undefined;
  readonly uri: Uri;
  readonly params: Params;

  constructor(display: string | undefined, uri: Uri, params: Params = Params.empty) {
    this.display = display;
    this.uri = uri;
    this.params = params;
  }

  get tag(): string | undefined {
    return this.params.get('tag') ?? undefined;
  }

  withParam(name: string, value: string | null | undefined): this {
    const params = value === undefined ? this.params.without(name) : this.params.with(name, value);
    return this.copy(params);
  }

  withTag(tag: string): this {
    return this.withParam('tag', tag);
  }

  protected copy(params: Params): this {
    const Ctor = this.constructor as new (d: string | undefined, u: Uri, p: Params) => this;
    return new Ctor(this.display, this.uri, params);
  }

  toString(): string {
    const display =
      this.display === undefined
        ? ''
        : /^[A-Za-z0-9\-.!%*_+`'~]+( [A-Za-z0-9\-.!%*_+`'~]+)*$/.test(this.display)
          ? `${this.display} `
          : `${quote(this.display)} `;
    return `${display}<${formatUri(this.uri)}>${this.params.toString()}`;
  }
}

export interface NameAddrParts {
  readonly display: string | undefined;
  readonly uri: Uri;
  readonly params: Params;
}

/** Reads one name-addr or addr-spec plus its parameters; the scanner must end after it. */
export function readNameAddr(s: Scanner, maxUriLength?: number): NameAddrParts {
  s.skipWs();
  const start = s.pos;
  let display: string | undefined;
  let bracketed = false;
  if (s.peek() === 0x22) {
    display = s.quoted();
    s.skipWs();
    if (s.peek() !== 0x3c) s.fail('expected <');
    bracketed = true;
  } else if (s.peek() === 0x3c) {
    bracketed = true;
  } else {
    // *(token LWS) before '<', or else an addr-spec
    const words: string[] = [];
    for (;;) {
      const word = s.token();
      if (word.length === 0) break;
      words.push(word);
      s.skipWs();
    }
    if (s.peek() === 0x3c && words.length > 0) {
      display = words.join(' ');
      bracketed = true;
    } else {
      s.pos = start;
    }
  }
  let uriText: string;
  if (bracketed) {
    s.pos++;
    const close = s.text.indexOf('>', s.pos);
    if (close < 0) s.fail('expected >');
    uriText = s.text.slice(s.pos, close);
    s.pos = close + 1;
  } else {
    uriText = s.run((c) => c !== 0x3b && !isWs(c) && c !== 0x2c);
    if (uriText.includes('?')) s.fail('an addr-spec with headers needs angle brackets');
  }
  for (let i = 0; i < uriText.length; i++) {
    const c = uriText.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x3c || c === 0x22) s.fail('bad character in URI');
  }
  const uri = parseUri(uriText, s.header, maxUriLength);
  const params = readParams(s);
  return { display, uri, params };
}

/** Parses a whole value that is one name-addr (From, To, a Route element...). */
export function parseNameAddr(value: string, header: string, maxUriLength?: number): NameAddr {
  const s = new Scanner(value, header);
  const parts = readNameAddr(s, maxUriLength);
  s.end();
  return new NameAddr(parts.display, parts.uri, parts.params);
}
