/** Content-Type (RFC 3261 §20.15): `type/subtype` with parameters. */
import { Params, readParams } from '../grammar/generic-params.ts';
import { Scanner } from '../grammar/value-scanner.ts';

export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  /** `type/subtype` in lower case, for comparisons. */
  readonly essence: string;
  readonly params: Params;
}

export function parseMediaType(value: string, header = 'content-type'): MediaType {
  const s = new Scanner(value, header);
  s.skipWs();
  const type = s.expectToken('media type');
  s.expect('/', 'SLASH');
  const subtype = s.expectToken('media subtype');
  const params = readParams(s);
  s.end();
  return { type, subtype, essence: `${type}/${subtype}`.toLowerCase(), params };
}

export function mediaType(type: string, subtype: string, params: Params = Params.empty): MediaType {
  return { type, subtype, essence: `${type}/${subtype}`.toLowerCase(), params };
}

export function formatMediaType(m: MediaType): string {
  return `${m.type}/${m.subtype}${m.params.toString()}`;
}
