/**
 * The URIs SIP carries: SIP and SIPS (RFC 3261 §19.1), TEL (RFC 3966), and
 * any other absolute URI kept opaque (RFC 3261 §19.1 allows them in most
 * places; RFC 4475 §3.3.2–3.3.4 expects them to parse).
 */
import type { Params } from '../grammar/generic-params.ts';

export type HostKind = 'domain' | 'ipv4' | 'ipv6';

export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  /** User part as on the wire (escapes kept); `undefined` when there is no userinfo. */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host as on the wire; IPv6 references keep their brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  readonly params: Params;
  /** URI headers (`?name=value&...`), escapes kept. */
  readonly headers: readonly (readonly [string, string])[];
}

export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The telephone-subscriber number, e.g. `+1-201-555-0123` or `7042`. */
  readonly number: string;
  readonly params: Params;
}

export interface OtherUri {
  readonly kind: 'other';
  /** Lower-cased scheme. */
  readonly scheme: string;
  /** The whole URI as received. */
  readonly raw: string;
}

export type Uri = SipUri | TelUri | OtherUri;
