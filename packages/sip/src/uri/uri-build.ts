/** Small constructors for SIP URIs, so callers never assemble strings by hand. */
import { Params } from '../grammar/generic-params.ts';
import { badHeader } from '../grammar/sip-parse-error.ts';
import { hostKind } from './uri-parser.ts';
import type { SipUri } from './uri-types.ts';

export interface SipUriParts {
  readonly scheme?: 'sip' | 'sips';
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  readonly params?: Readonly<Record<string, string | null>>;
}

/** Builds a SIP URI; IPv6 hosts may be given with or without brackets. */
export function sipUri(parts: SipUriParts): SipUri {
  const host =
    parts.host.includes(':') && !parts.host.startsWith('[') ? `[${parts.host}]` : parts.host;
  const kind = hostKind(host);
  if (kind === undefined) badHeader('uri', 'bad host');
  let params = Params.empty;
  for (const [name, value] of Object.entries(parts.params ?? {}))
    params = params.with(name, value, false);
  return {
    kind: 'sip',
    scheme: parts.scheme ?? 'sip',
    user: parts.user,
    password: undefined,
    host,
    hostKind: kind,
    port: parts.port,
    params,
    headers: [],
  };
}

/** A copy of `uri` with one URI parameter set (or removed with `undefined`). */
export function withUriParam(uri: SipUri, name: string, value: string | null | undefined): SipUri {
  return {
    ...uri,
    params: value === undefined ? uri.params.without(name) : uri.params.with(name, value, false),
  };
}
