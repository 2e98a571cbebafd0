/**
 * Which headers have a typed value, what type, and how each is parsed and
 * written. `msg.header(name)` is typed by `HeaderTypes`; any name not in it
 * stays raw text (`msg.raw(name)`).
 */
import { splitList } from '../grammar/list-split.ts';
import {
  parseChallenge,
  parseCredentials,
  formatChallenge,
  formatCredentials,
} from './auth-headers.ts';
import type { Challenge, Credentials } from './auth-headers.ts';
import { parseContact } from './contact-header.ts';
import type { Contact } from './contact-header.ts';
import {
  parseEvent,
  parseReplaces,
  parseRetryAfter,
  parseSessionExpires,
  parseSubscriptionState,
} from './event-headers.ts';
import type {
  EventHeader,
  Replaces,
  RetryAfter,
  SessionExpires,
  SubscriptionState,
} from './event-headers.ts';
import { formatMediaType, parseMediaType } from './media-type.ts';
import type { MediaType } from './media-type.ts';
import { parseNameAddr } from './name-addr.ts';
import type { NameAddr } from './name-addr.ts';
import {
  formatCSeq,
  formatRAck,
  parseCSeq,
  parseCallId,
  parseContentLength,
  parseExpires,
  parseMaxForwards,
  parseMinExpires,
  parseRAck,
  parseRSeq,
  parseText,
  tokenListParser,
} from './scalar-headers.ts';
import type { CSeq, RAck } from './scalar-headers.ts';
import { parseVia } from './via-header.ts';
import type { Via } from './via-header.ts';

/** Canonical (lower-case, full) header name → the type of one of its values. */
export interface HeaderTypes {
  via: Via;
  from: NameAddr;
  to: NameAddr;
  contact: Contact;
  'call-id': string;
  cseq: CSeq;
  'max-forwards': number;
  route: NameAddr;
  'record-route': NameAddr;
  path: NameAddr;
  'refer-to': NameAddr;
  authorization: Credentials;
  'proxy-authorization': Credentials;
  'www-authenticate': Challenge;
  'proxy-authenticate': Challenge;
  'content-length': number;
  'content-type': MediaType;
  accept: MediaType;
  expires: number;
  'min-expires': number;
  supported: string;
  require: string;
  'proxy-require': string;
  unsupported: string;
  allow: string;
  'user-agent': string;
  server: string;
  'retry-after': RetryAfter;
  event: EventHeader;
  'subscription-state': SubscriptionState;
  replaces: Replaces;
  'session-expires': SessionExpires;
  'min-se': SessionExpires;
  rseq: number;
  rack: RAck;
}

export type HeaderName = keyof HeaderTypes;

export interface ParseContext {
  readonly maxUriLength: number;
}

interface Codec<T> {
  /** All values of one header line (list headers split on top-level commas). */
  readonly parse: (value: string, ctx: ParseContext) => T[];
  readonly format: (value: T) => string;
  /** At most one line of this header may appear in a message. */
  readonly single: boolean;
}

const one =
  <T>(parse: (v: string) => T) =>
  (v: string): T[] => [parse(v)];

const str = (v: { toString(): string }): string => v.toString();

const nameAddrList = (header: string) => (value: string, ctx: ParseContext) =>
  splitList(value).map((v) => parseNameAddr(v, header, ctx.maxUriLength));

const tokens = (header: string): Codec<string> => ({
  parse: tokenListParser(header),
  format: String,
  single: false,
});

const codecs: { readonly [K in HeaderName]: Codec<HeaderTypes[K]> } = {
  via: { parse: parseVia, format: str, single: false },
  from: { parse: (v, c) => [parseNameAddr(v, 'from', c.maxUriLength)], format: str, single: true },
  to: { parse: (v, c) => [parseNameAddr(v, 'to', c.maxUriLength)], format: str, single: true },
  contact: { parse: (v, c) => parseContact(v, c.maxUriLength), format: str, single: false },
  'call-id': { parse: one(parseCallId), format: String, single: true },
  cseq: { parse: one(parseCSeq), format: formatCSeq, single: true },
  'max-forwards': { parse: one(parseMaxForwards), format: String, single: true },
  route: { parse: nameAddrList('route'), format: str, single: false },
  'record-route': { parse: nameAddrList('record-route'), format: str, single: false },
  path: { parse: nameAddrList('path'), format: str, single: false },
  'refer-to': {
    parse: (v, c) => [parseNameAddr(v, 'refer-to', c.maxUriLength)],
    format: str,
    single: true,
  },
  authorization: {
    parse: one((v) => parseCredentials(v, 'authorization')),
    format: formatCredentials,
    single: false,
  },
  'proxy-authorization': {
    parse: one((v) => parseCredentials(v, 'proxy-authorization')),
    format: formatCredentials,
    single: false,
  },
  'www-authenticate': {
    parse: one((v) => parseChallenge(v, 'www-authenticate')),
    format: formatChallenge,
    single: false,
  },
  'proxy-authenticate': {
    parse: one((v) => parseChallenge(v, 'proxy-authenticate')),
    format: formatChallenge,
    single: false,
  },
  'content-length': { parse: one(parseContentLength), format: String, single: true },
  'content-type': { parse: one((v) => parseMediaType(v)), format: formatMediaType, single: true },
  // RFC 3261 §20.1: a list of media ranges (`*/*`, `application/*` are tokens); empty accepts none
  accept: {
    parse: (v) =>
      splitList(v)
        .filter((m) => m !== '')
        .map((m) => parseMediaType(m, 'accept')),
    format: formatMediaType,
    single: false,
  },
  expires: { parse: one(parseExpires), format: String, single: true },
  'min-expires': { parse: one(parseMinExpires), format: String, single: true },
  supported: tokens('supported'),
  require: tokens('require'),
  'proxy-require': tokens('proxy-require'),
  unsupported: tokens('unsupported'),
  allow: tokens('allow'),
  'user-agent': { parse: one(parseText), format: String, single: true },
  server: { parse: one(parseText), format: String, single: true },
  'retry-after': { parse: one(parseRetryAfter), format: formatRetryAfter, single: true },
  event: {
    parse: one(parseEvent),
    format: (e) => `${e.event}${e.params.toString()}`,
    single: true,
  },
  'subscription-state': {
    parse: one(parseSubscriptionState),
    format: (s) => `${s.state}${s.params.toString()}`,
    single: true,
  },
  replaces: {
    parse: one(parseReplaces),
    format: (r) => `${r.callId}${r.params.toString()}`,
    single: true,
  },
  'session-expires': {
    parse: one((v) => parseSessionExpires(v)),
    format: (s) => `${s.seconds}${s.params.toString()}`,
    single: true,
  },
  'min-se': {
    parse: one((v) => parseSessionExpires(v, 'min-se')),
    format: (s) => `${s.seconds}${s.params.toString()}`,
    single: true,
  },
  rseq: { parse: one(parseRSeq), format: String, single: true },
  rack: { parse: one(parseRAck), format: formatRAck, single: true },
};

function formatRetryAfter(r: RetryAfter): string {
  return `${r.seconds}${r.comment === undefined ? '' : ` (${r.comment})`}${r.params.toString()}`;
}

export function isHeaderName(name: string): name is HeaderName {
  return Object.hasOwn(codecs, name);
}

export function headerCodec<K extends HeaderName>(name: K): Codec<HeaderTypes[K]> {
  return codecs[name];
}

/** Headers that may appear only once (their repetition is a 400, RFC 4475 §3.3.8–3.3.9). */
export function isSingleHeader(name: string): boolean {
  return isHeaderName(name) && codecs[name].single;
}
