/**
 * parseMessage: bytes of one message (a datagram, or a frame cut by the
 * stream framer) to a SipRequest or SipResponse. One pass finds the start
 * line and the header lines as offsets into the buffer; values are decoded
 * and parsed only when asked, except the headers every receiver needs
 * (Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length,
 * Content-Type), which are checked here so a broken message is refused up
 * front with a 400-able SipParseError. Nothing else is ever thrown.
 */
import { isTokenChar, isWs } from '../grammar/char-classes.ts';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import type { PartialMessage } from '../grammar/sip-parse-error.ts';
import type { HeaderName, ParseContext } from '../headers/header-registry.ts';
import { parseContentLength } from '../headers/scalar-headers.ts';
import { parseUri } from '../uri/uri-parser.ts';
import type { Uri } from '../uri/uri-types.ts';
import { BufferHeaderField } from './header-field.ts';
import { resolveLimits } from './parse-limits.ts';
import type { ParseLimits } from './parse-limits.ts';
import { SipRequest, SipResponse } from './sip-message.ts';
import type { SipMessage } from './sip-message.ts';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

export interface ParseOptions {
  /** Stream transports (TCP, TLS) require Content-Length (RFC 3261 §18.3). */
  readonly stream?: boolean;
}

interface Scan {
  readonly startLine: string | undefined;
  readonly fields: BufferHeaderField[];
  readonly bodyStart: number;
  readonly error: SipParseError | undefined;
}

/** Offset after the line ending at or after `from`, and where the line's content ends. */
function lineAt(buf: Buffer, from: number): { end: number; next: number } | undefined {
  const lf = buf.indexOf(LF, from);
  if (lf < 0) return undefined;
  return { end: lf > from && buf[lf - 1] === CR ? lf - 1 : lf, next: lf + 1 };
}

function scan(buf: Buffer, limits: ParseLimits): Scan {
  const fields: BufferHeaderField[] = [];
  let pos = 0;
  // RFC 3261 §7.5: empty lines before the start line are ignored
  while (pos < buf.length && (buf[pos] === CR || buf[pos] === LF)) pos++;
  if (pos >= buf.length) {
    return {
      startLine: undefined,
      fields,
      bodyStart: pos,
      error: new SipParseError('empty', 'empty message'),
    };
  }
  const first = lineAt(buf, pos);
  if (!first) {
    return {
      startLine: undefined,
      fields,
      bodyStart: buf.length,
      error: new SipParseError('unterminated_headers', 'no end of start line'),
    };
  }
  if (first.end - pos > limits.maxHeaderLineBytes) {
    return {
      startLine: undefined,
      fields,
      bodyStart: buf.length,
      error: new SipParseError('header_too_long', 'start line too long'),
    };
  }
  const startLine = buf.toString('utf8', pos, first.end);
  pos = first.next;
  // the header line being read (plain locals: no object per line)
  let name: string | undefined;
  let nameStart = 0;
  let start = 0;
  let end = 0;
  let folded = false;
  const push = (): SipParseError | undefined => {
    if (name === undefined) return undefined;
    if (end - nameStart > limits.maxHeaderLineBytes)
      return new SipParseError('header_too_long', 'header line too long');
    fields.push(new BufferHeaderField(name, buf, start, end, folded));
    name = undefined;
    return undefined;
  };
  for (;;) {
    const lf = buf.indexOf(LF, pos);
    if (lf < 0) {
      const error =
        push() ?? new SipParseError('unterminated_headers', 'no empty line after the headers');
      return { startLine, fields, bodyStart: buf.length, error };
    }
    const lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const next = lf + 1;
    if (lineEnd === pos) {
      const error = push();
      return { startLine, fields, bodyStart: next, error };
    }
    // a bare CR inside a line could end it for another parser: refuse it
    const cr = buf.indexOf(CR, pos);
    if (cr >= 0 && cr < lineEnd) {
      push();
      return {
        startLine,
        fields,
        bodyStart: buf.length,
        error: new SipParseError('bad_header', 'bare CR in a header line'),
      };
    }
    if (isWs(buf[pos] ?? 0)) {
      // line folding: a continuation of the previous field (RFC 3261 §7.3.1)
      if (name === undefined) {
        return {
          startLine,
          fields,
          bodyStart: buf.length,
          error: new SipParseError('bad_header', 'continuation line without a header'),
        };
      }
      end = lineEnd;
      folded = true;
      pos = next;
      continue;
    }
    const error = push();
    if (error) return { startLine, fields, bodyStart: buf.length, error };
    if (fields.length >= limits.maxHeaders) {
      return {
        startLine,
        fields,
        bodyStart: buf.length,
        error: new SipParseError('too_many_headers', `more than ${limits.maxHeaders} headers`),
      };
    }
    let i = pos;
    while (i < lineEnd && isTokenChar(buf[i] ?? 0)) i++;
    const nameEnd = i;
    while (i < lineEnd && isWs(buf[i] ?? 0)) i++;
    if (nameEnd === pos || buf[i] !== COLON) {
      return {
        startLine,
        fields,
        bodyStart: buf.length,
        error: new SipParseError('bad_header', 'malformed header line'),
      };
    }
    name = buf.toString('latin1', pos, nameEnd);
    nameStart = pos;
    start = i + 1;
    end = lineEnd;
    folded = false;
    pos = next;
  }
}

function partialOf(scanned: Scan): PartialMessage {
  const values = (name: string): string[] =>
    scanned.fields.filter((f) => f.name === name).map((f) => f.value);
  const line = scanned.startLine ?? '';
  const isResponse = /^SIP\//i.test(line);
  const method = isResponse ? undefined : line.split(' ')[0];
  return {
    kind: scanned.startLine === undefined ? 'unknown' : isResponse ? 'response' : 'request',
    method: method === '' ? undefined : method,
    via: values('via'),
    from: values('from'),
    to: values('to'),
    callId: values('call-id'),
    cseq: values('cseq'),
  };
}

const VERSION = /^SIP\/(\d+)\.(\d+)$/i;

type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: Uri }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string };

function parseStartLine(line: string, limits: ParseLimits): StartLine {
  if (/^SIP\//i.test(line)) {
    const sp1 = line.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    const version = sp1 < 0 ? line : line.slice(0, sp1);
    const code = sp1 < 0 ? '' : line.slice(sp1 + 1, sp2 < 0 ? undefined : sp2);
    if (!VERSION.test(version)) throw new SipParseError('bad_start_line', 'malformed status line');
    if (version.toUpperCase() !== 'SIP/2.0')
      throw new SipParseError('unsupported_version', 'unsupported SIP version');
    if (!/^[1-6]\d\d$/.test(code)) throw new SipParseError('bad_start_line', 'bad status code');
    const reason = sp2 < 0 ? '' : line.slice(sp2 + 1);
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(reason))
      throw new SipParseError('bad_start_line', 'bad reason phrase');
    return { kind: 'response', status: Number(code), reason };
  }
  const parts = line.split(' ');
  if (parts.length !== 3)
    throw new SipParseError('bad_start_line', 'request line needs exactly three parts');
  const [method = '', uriText = '', version = ''] = parts;
  if (method.length === 0 || ![...method].every((c) => isTokenChar(c.charCodeAt(0))))
    throw new SipParseError('bad_start_line', 'bad method');
  if (!VERSION.test(version)) throw new SipParseError('bad_start_line', 'malformed SIP version');
  if (version.toUpperCase() !== 'SIP/2.0')
    throw new SipParseError('unsupported_version', 'unsupported SIP version');
  if (uriText.length > limits.maxUriLength)
    throw new SipParseError('uri_too_long', `Request-URI longer than ${limits.maxUriLength}`);
  let uri: Uri;
  try {
    uri = parseUri(uriText, 'request-uri', limits.maxUriLength);
  } catch (err) {
    if (err instanceof SipParseError)
      throw new SipParseError('bad_request_uri', 'malformed Request-URI');
    throw err;
  }
  // RFC 3261 §19.1.5 / RFC 4475 §3.1.2.11: no headers in a Request-URI
  if (uri.kind === 'sip' && uri.headers.length > 0)
    throw new SipParseError('bad_request_uri', 'Request-URI carries headers');
  return { kind: 'request', method, uri };
}

/** Headers every message must carry exactly once (RFC 3261 §8.1.1); Via at least once. */
const REQUIRED_ONCE: readonly HeaderName[] = ['from', 'to', 'call-id', 'cseq'];
const AT_MOST_ONCE: readonly HeaderName[] = ['max-forwards', 'content-type', 'content-length'];
const EAGER: readonly HeaderName[] = [
  'via',
  'from',
  'to',
  'call-id',
  'cseq',
  'max-forwards',
  'content-type',
];

function checkMessage(msg: SipMessage): void {
  const count = (name: string): number => {
    let n = 0;
    for (const f of msg.fields) if (f.name === name) n++;
    return n;
  };
  if (count('via') === 0)
    throw new SipParseError('missing_header', 'no Via header', { header: 'via' });
  for (const name of REQUIRED_ONCE) {
    const n = count(name);
    if (n === 0) throw new SipParseError('missing_header', `no ${name} header`, { header: name });
    if (n > 1)
      throw new SipParseError('duplicate_header', `more than one ${name} header`, { header: name });
  }
  for (const name of AT_MOST_ONCE) {
    if (count(name) > 1)
      throw new SipParseError('duplicate_header', `more than one ${name} header`, { header: name });
  }
  for (const name of EAGER) msg.header(name);
  // RFC 4475 §3.1.2.17–18: the CSeq method must match the request method
  if (msg.isRequest && msg.cseq.method !== msg.method)
    throw new SipParseError('cseq_mismatch', 'CSeq method differs from the request method', {
      header: 'cseq',
    });
}

/**
 * Parses one message. Trailing bytes after the body that Content-Length
 * announces are ignored (RFC 3261 §18.3, RFC 4475 §3.1.1.8); without
 * Content-Length a datagram's body is the rest of it.
 * @throws SipParseError, and nothing else
 */
export function parseMessage(
  buf: Buffer,
  limitsIn?: Partial<ParseLimits>,
  options: ParseOptions = {},
): SipMessage {
  const limits = resolveLimits(limitsIn);
  if (buf.length > limits.maxMessageBytes) {
    const partial = partialOf(scan(buf.subarray(0, limits.maxMessageBytes), limits));
    throw new SipParseError('too_large', `message larger than ${limits.maxMessageBytes} bytes`, {
      partial,
    });
  }
  const scanned = scan(buf, limits);
  try {
    if (scanned.error) throw scanned.error;
    const start = parseStartLine(scanned.startLine ?? '', limits);
    const lengths = scanned.fields.filter((f) => f.name === 'content-length');
    let body: Buffer;
    if (lengths.length > 1)
      throw new SipParseError('duplicate_header', 'more than one Content-Length', {
        header: 'content-length',
      });
    const lengthField = lengths[0];
    if (lengthField) {
      let length: number;
      try {
        length = parseContentLength(lengthField.value);
      } catch {
        throw new SipParseError('bad_content_length', 'malformed Content-Length', {
          header: 'content-length',
        });
      }
      if (scanned.bodyStart + length > buf.length)
        throw new SipParseError('truncated_body', 'body shorter than Content-Length', {
          header: 'content-length',
        });
      body = buf.subarray(scanned.bodyStart, scanned.bodyStart + length);
    } else if (options.stream) {
      throw new SipParseError('missing_content_length', 'Content-Length is required on streams', {
        header: 'content-length',
      });
    } else body = buf.subarray(scanned.bodyStart);
    const ctx: ParseContext = { maxUriLength: limits.maxUriLength };
    const msg =
      start.kind === 'request'
        ? new SipRequest(start.method, start.uri, scanned.fields, body, ctx)
        : new SipResponse(start.status, start.reason, scanned.fields, body, ctx);
    checkMessage(msg);
    return msg;
  } catch (err) {
    if (err instanceof SipParseError) throw err.withPartial(partialOf(scanned));
    throw err;
  }
}
