/**
 * Parses SIP/SIPS URIs (RFC 3261 §19.1.1, §25.1), TEL URIs (RFC 3966) and,
 * opaquely, any other absolute URI. Throws a SipParseError (reason
 * `bad_header`, or `uri_too_long`) naming the header the URI came from.
 */
import {
  isDigit,
  isHexDigit,
  isHostnameChar,
  isPasswordChar,
  isUriHeaderChar,
  isUriParamChar,
  isUricChar,
  isUserChar,
} from '../grammar/char-classes.ts';
import { escapesValid } from '../grammar/escaping.ts';
import { Params, hasParam } from '../grammar/generic-params.ts';
import type { Param } from '../grammar/generic-params.ts';
import { SipParseError, badHeader } from '../grammar/sip-parse-error.ts';
import type { HostKind, OtherUri, SipUri, TelUri, Uri } from './uri-types.ts';

export const DEFAULT_MAX_URI_LENGTH = 1024;

function all(s: string, accept: (c: number) => boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x25 && !accept(c)) return false;
  }
  return escapesValid(s);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let body = s;
  let groupsMax = 8;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    if (!IPV4.test(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + '0';
    groupsMax = 7;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (
    !groups.every(
      (g) => g.length >= 1 && g.length <= 4 && [...g].every((c) => isHexDigit(c.charCodeAt(0))),
    )
  )
    return false;
  return halves.length === 2 ? groups.length < groupsMax : groups.length === groupsMax;
}

/** Classifies a host (RFC 3261 §25.1 host); returns undefined when invalid. */
export function hostKind(host: string): HostKind | undefined {
  if (host.charCodeAt(0) === 0x5b) {
    return host.endsWith(']') && isIpv6(host.slice(1, -1)) ? 'ipv6' : undefined;
  }
  const n = host.length;
  if (n === 0 || n > 255) return undefined;
  // one pass: labels of alphanumerics and inner hyphens, separated by single dots
  let allDigitsAndDots = true;
  let labelStart = 0;
  let topStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? host.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (i === labelStart)
        return i === n && i > 0 ? finishHost(host, allDigitsAndDots, topStart) : undefined;
      if (host.charCodeAt(labelStart) === 0x2d || host.charCodeAt(i - 1) === 0x2d) return undefined;
      if (i < n) topStart = i + 1;
      labelStart = i + 1;
      continue;
    }
    if (!isHostnameChar(c)) return undefined;
    if (!isDigit(c)) allDigitsAndDots = false;
  }
  return finishHost(host, allDigitsAndDots, topStart);
}

function finishHost(host: string, numeric: boolean, topStart: number): HostKind | undefined {
  if (numeric) return IPV4.test(host) ? 'ipv4' : undefined;
  // the top label of a hostname starts with a letter
  return isDigit(host.charCodeAt(topStart)) ? undefined : 'domain';
}

function parsePort(s: string, header: string): number {
  if (s.length === 0 || s.length > 5 || ![...s].every((c) => isDigit(c.charCodeAt(0))))
    badHeader(header, 'bad port');
  const port = Number(s);
  if (port > 65535) badHeader(header, 'bad port');
  return port;
}

function parseUriParams(s: string, header: string): Params {
  if (s.length === 0) return Params.empty;
  const list: Param[] = [];
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (name.length === 0 || !all(name, isUriParamChar)) badHeader(header, 'bad URI parameter');
    if (value !== null && (value.length === 0 || !all(value, isUriParamChar)))
      badHeader(header, 'bad URI parameter value');
    if (list.length > 0 && hasParam(list, name)) badHeader(header, 'duplicate URI parameter');
    list.push({ name, value, quoted: false });
  }
  return new Params(list);
}

function parseUriHeaders(s: string, header: string): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  for (const part of s.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) badHeader(header, 'bad URI header');
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!all(name, isUriHeaderChar) || !all(value, isUriHeaderChar))
      badHeader(header, 'bad URI header');
    out.push([name, value]);
  }
  return out;
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string, header: string): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    password = colon < 0 ? undefined : userinfo.slice(colon + 1);
    if (user.length === 0 || !all(user, isUserChar)) badHeader(header, 'bad URI user');
    if (password !== undefined && !all(password, isPasswordChar))
      badHeader(header, 'bad URI password');
  }
  const q = hostPart.indexOf('?');
  const beforeHeaders = q < 0 ? hostPart : hostPart.slice(0, q);
  const headers = q < 0 ? [] : parseUriHeaders(hostPart.slice(q + 1), header);
  const semi = beforeHeaders.indexOf(';');
  const hostport = semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi);
  const params = parseUriParams(semi < 0 ? '' : beforeHeaders.slice(semi + 1), header);
  let host = hostport;
  let port: number | undefined;
  const close = hostport.lastIndexOf(']');
  const colon = hostport.indexOf(':', close < 0 ? 0 : close);
  if (colon >= 0) {
    host = hostport.slice(0, colon);
    port = parsePort(hostport.slice(colon + 1), header);
  }
  const kind = hostKind(host);
  if (kind === undefined) badHeader(header, 'bad URI host');
  return { kind: 'sip', scheme, user, password, host, hostKind: kind, port, params, headers };
}

/** global-number (`+` digits) or local-number (hex digits, `*`, `#`), with visual separators (RFC 3966 §3). */
function isTelNumber(number: string): boolean {
  const global = number.startsWith('+');
  let digits = 0;
  for (let i = global ? 1 : 0; i < number.length; i++) {
    const c = number.charCodeAt(i);
    if (c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29) continue;
    if (global ? !isDigit(c) : !(isHexDigit(c) || c === 0x2a || c === 0x23)) return false;
    digits++;
  }
  return digits > 0;
}

function parseTelUri(rest: string, header: string): TelUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!isTelNumber(number)) badHeader(header, 'bad telephone number');
  return {
    kind: 'tel',
    scheme: 'tel',
    number,
    params: parseUriParams(semi < 0 ? '' : rest.slice(semi + 1), header),
  };
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;

/**
 * URIs parsed lately, by their text. The same few come again and again (a
 * phone's AOR in To, From and the Request-URI of every REGISTER, its
 * Contact, the server's own URI), so each is parsed once and the frozen
 * result shared. Bounded: a peer sending new URIs only churns it.
 */
const parsedUris = new Map<string, Uri>();
const PARSED_URIS_MAX = 10_000;

function frozenUri(uri: Uri): Uri {
  if (uri.kind !== 'other') Object.freeze(uri.params.list);
  if (uri.kind === 'sip') {
    for (const h of uri.headers) Object.freeze(h);
    Object.freeze(uri.headers);
  }
  return Object.freeze(uri);
}

/**
 * Parses a URI. `header` names where it came from (for the error);
 * `maxLength` bounds it (RFC 3261 leaves the size open; we do not). The
 * result is frozen, and may be shared with other callers.
 */
export function parseUri(text: string, header: string, maxLength = DEFAULT_MAX_URI_LENGTH): Uri {
  if (text.length > maxLength)
    throw new SipParseError('uri_too_long', `URI in ${header} longer than ${maxLength}`, {
      header,
    });
  let uri = parsedUris.get(text);
  if (uri === undefined) {
    uri = frozenUri(parseUriText(text, header));
    if (parsedUris.size >= PARSED_URIS_MAX) parsedUris.clear();
    parsedUris.set(text, uri);
  }
  return uri;
}

function parseUriText(text: string, header: string): Uri {
  const colon = text.indexOf(':');
  const scheme = colon > 0 ? text.slice(0, colon) : '';
  if (!SCHEME.test(scheme)) badHeader(header, 'bad URI scheme');
  const rest = text.slice(colon + 1);
  const lower = scheme.toLowerCase();
  if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest, header);
  if (lower === 'tel') return parseTelUri(rest, header);
  if (rest.length === 0 || !all(rest, isUricChar)) badHeader(header, 'bad URI');
  const other: OtherUri = { kind: 'other', scheme: lower, raw: text };
  return other;
}
