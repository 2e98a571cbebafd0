/**
 * URI equivalence. SIP/SIPS per RFC 3261 §19.1.4; TEL per RFC 3966 §4;
 * other schemes compare exactly, apart from the scheme's case.
 */
import { normalizeEscapes } from '../grammar/escaping.ts';
import type { Params } from '../grammar/generic-params.ts';
import type { SipUri, TelUri, Uri } from './uri-types.ts';

/** Parameters that, present in one URI, must be present in the other (§19.1.4). */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

function norm(value: string | null | undefined): string | null | undefined {
  return typeof value === 'string' ? normalizeEscapes(value).toLowerCase() : value;
}

function paramsEqual(a: Params, b: Params, mustMatch: readonly string[]): boolean {
  for (const name of mustMatch) {
    if (a.has(name) !== b.has(name)) return false;
  }
  for (const p of a.list) {
    if (!b.has(p.name)) continue;
    if (norm(p.value) !== norm(b.get(p.name))) return false;
  }
  return true;
}

function headersEqual(a: SipUri, b: SipUri): boolean {
  if (a.headers.length !== b.headers.length) return false;
  const key = (h: readonly [string, string]): string =>
    `${normalizeEscapes(h[0]).toLowerCase()}=${normalizeEscapes(h[1])}`;
  const bs = new Set(b.headers.map(key));
  return a.headers.every((h) => bs.has(key(h)));
}

function sipEqual(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  // userinfo is case-sensitive, escapes compared decoded
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && normalizeEscapes(a.user) !== normalizeEscapes(b.user ?? ''))
    return false;
  if ((a.password ?? null) !== (b.password ?? null)) {
    if (a.password === undefined || b.password === undefined) return false;
    if (normalizeEscapes(a.password) !== normalizeEscapes(b.password)) return false;
  }
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  // an absent port is not the default port (§19.1.4)
  if (a.port !== b.port) return false;
  return paramsEqual(a.params, b.params, MUST_MATCH) && headersEqual(a, b);
}

function telNumber(uri: TelUri): string {
  return uri.number.replace(/[-.()]/g, '').toLowerCase();
}

function telEqual(a: TelUri, b: TelUri): boolean {
  if (telNumber(a) !== telNumber(b)) return false;
  if (a.params.size !== b.params.size) return false;
  return paramsEqual(
    a.params,
    b.params,
    a.params.list.map((p) => p.name),
  );
}

export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipEqual(a, b);
  if (a.kind === 'tel' && b.kind === 'tel') return telEqual(a, b);
  if (a.kind === 'other' && b.kind === 'other')
    return a.scheme === b.scheme && a.raw.slice(a.scheme.length) === b.raw.slice(b.scheme.length);
  return false;
}
