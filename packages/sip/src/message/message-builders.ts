/**
 * Building requests and responses in code. Responses follow RFC 3261
 * §8.2.6: Via (all, in order), From, To (with a tag added to anything but a
 * 100), Call-ID and CSeq are copied from the request; a 100 also copies
 * Timestamp (§8.2.6.1).
 */
import type { SipParseError } from '../grammar/sip-parse-error.ts';
import type { Contact } from '../headers/contact-header.ts';
import { headerCodec } from '../headers/header-registry.ts';
import type { HeaderName, HeaderTypes } from '../headers/header-registry.ts';
import type { NameAddr } from '../headers/name-addr.ts';
import { formatCSeq } from '../headers/scalar-headers.ts';
import type { Via } from '../headers/via-header.ts';
import type { Uri } from '../uri/uri-types.ts';
import { textField } from './header-field.ts';
import type { HeaderField } from './header-field.ts';
import { newTag } from './ids.ts';
import { reasonPhrase } from './reason-phrases.ts';
import { SipRequest, SipResponse } from './sip-message.ts';

export type ExtraHeaders = readonly (readonly [name: string, value: string])[];

export interface RequestInit {
  readonly method: string;
  readonly uri: Uri;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: number;
  /** Usually left empty: the transaction layer adds the top Via. */
  readonly via?: readonly Via[];
  readonly maxForwards?: number;
  readonly contact?: readonly Contact[];
  readonly route?: readonly NameAddr[];
  /** Further headers as raw name/value pairs, in order. */
  readonly headers?: ExtraHeaders;
  readonly body?: Buffer;
  readonly contentType?: string;
}

function typed<K extends HeaderName>(name: K, value: HeaderTypes[K]): HeaderField {
  return textField(name, headerCodec(name).format(value));
}

function extra(headers: ExtraHeaders | undefined, contentType: string | undefined): HeaderField[] {
  const out = (headers ?? []).map(([n, v]) => textField(n, v));
  if (contentType !== undefined) out.push(textField('content-type', contentType));
  return out;
}

export function createRequest(init: RequestInit): SipRequest {
  const fields: HeaderField[] = [
    ...(init.via ?? []).map((v) => typed('via', v)),
    typed('max-forwards', init.maxForwards ?? 70),
    ...(init.route ?? []).map((r) => typed('route', r)),
    typed('from', init.from),
    typed('to', init.to),
    typed('call-id', init.callId),
    textField('cseq', formatCSeq({ seq: init.cseq, method: init.method })),
    ...(init.contact ?? []).map((c) => typed('contact', c)),
    ...extra(init.headers, init.contentType),
  ];
  return new SipRequest(init.method, init.uri, fields, init.body ?? Buffer.alloc(0));
}

export interface ResponseInit {
  readonly reason?: string;
  /** The To tag to add when the request had none; a random one by default. */
  readonly toTag?: string;
  readonly contact?: readonly Contact[];
  readonly headers?: ExtraHeaders;
  readonly body?: Buffer;
  readonly contentType?: string;
}

export function createResponse(
  request: SipRequest,
  status: number,
  init: ResponseInit = {},
): SipResponse {
  const copy = (name: string): HeaderField[] => request.fields.filter((f) => f.name === name);
  // the lines copied from the request parse as they did there: keep their values
  const parsed = new Map<string, readonly unknown[]>();
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    const values = request.parsedValues(name);
    if (values !== undefined) parsed.set(name, values);
  }
  let to = copy('to');
  if (status > 100 && request.to.tag === undefined) {
    const tagged = request.to.withTag(init.toTag ?? newTag());
    to = [typed('to', tagged)];
    parsed.set('to', [tagged]);
  }
  const fields: HeaderField[] = [
    ...copy('via'),
    ...copy('from'),
    ...to,
    ...copy('call-id'),
    ...copy('cseq'),
    ...(status === 100 ? copy('timestamp') : []),
    ...(init.contact ?? []).map((c) => typed('contact', c)),
    ...extra(init.headers, init.contentType),
  ];
  return new SipResponse(
    status,
    init.reason ?? reasonPhrase(status),
    fields,
    init.body ?? Buffer.alloc(0),
    undefined,
    parsed,
  );
}

/**
 * The bytes of the answer to a request that failed to parse (RFC 4475:
 * 400, 505 or 513), built from whatever Via/From/To/Call-ID/CSeq were
 * readable; `undefined` when no answer is possible (a response, or no Via
 * to send it back on).
 */
export function parseErrorResponse(error: SipParseError): Buffer | undefined {
  const p = error.partial;
  if (!p || p.kind !== 'request' || p.via.length === 0) return undefined;
  const lines = [`SIP/2.0 ${error.status} ${reasonPhrase(error.status)}`];
  const add = (name: string, values: readonly string[]): void => {
    for (const v of values) lines.push(`${name}: ${v}`);
  };
  add('Via', p.via);
  add('From', p.from);
  add('To', p.to);
  add('Call-ID', p.callId);
  add('CSeq', p.cseq);
  lines.push('Content-Length: 0', '', '');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
