/**
 * multipart/* bodies (RFC 2046 §5.1, used by SIP per RFC 5621): split into
 * parts, each with its own headers and bytes. Parts stay slices of the
 * message body; nothing is copied.
 */
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { trimWs } from '../grammar/list-split.ts';
import { parseMediaType } from '../headers/media-type.ts';
import type { MediaType } from '../headers/media-type.ts';
import { textField } from './header-field.ts';
import type { HeaderField } from './header-field.ts';

export interface BodyPart {
  readonly headers: readonly HeaderField[];
  /** Content-Type of the part; RFC 2046 §5.1.3 defaults it to text/plain when absent. */
  readonly contentType: MediaType | undefined;
  readonly body: Buffer;
}

const CRLF = Buffer.from('\r\n');

function bad(what: string): never {
  throw new SipParseError('bad_body', `malformed multipart body: ${what}`);
}

function partHeaders(block: string): HeaderField[] {
  const out: HeaderField[] = [];
  for (const line of block.split(/\r\n(?![ \t])/)) {
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) bad('header line without a colon');
    out.push(
      textField(
        trimWs(line.slice(0, colon)),
        trimWs(line.slice(colon + 1).replace(/\r\n[ \t]+/g, ' ')),
      ),
    );
  }
  return out;
}

/** Splits `body` on `boundary`; at most `maxParts` parts. @throws SipParseError (`bad_body`) */
export function parseMultipart(body: Buffer, boundary: string, maxParts = 16): BodyPart[] {
  if (boundary.length === 0 || boundary.length > 70) bad('bad boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: BodyPart[] = [];
  // the first delimiter may open the body; later ones follow a CRLF
  let at = body.subarray(0, delimiter.length).equals(delimiter)
    ? 0
    : body.indexOf(Buffer.concat([CRLF, delimiter]));
  if (at < 0) bad('no boundary');
  at += at === 0 ? delimiter.length : CRLF.length + delimiter.length;
  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // close delimiter
    const lineEnd = body.indexOf(CRLF, at);
    if (lineEnd < 0) bad('unterminated boundary line');
    const start = lineEnd + CRLF.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), start - CRLF.length);
    if (next < 0) bad('missing close delimiter');
    if (parts.length >= maxParts) bad('too many parts');
    const part = body.subarray(start, Math.max(start, next));
    const split = part.indexOf('\r\n\r\n');
    const headerEnd = part.subarray(0, 2).equals(CRLF) ? 0 : split;
    if (headerEnd < 0) bad('part without an empty line after its headers');
    const headers = headerEnd === 0 ? [] : partHeaders(part.toString('utf8', 0, headerEnd));
    const bodyStart = headerEnd === 0 ? 2 : headerEnd + 4;
    const type = headers.find((h) => h.name === 'content-type');
    parts.push({
      headers,
      contentType: type === undefined ? undefined : parseMediaType(type.value),
      body: part.subarray(bodyStart),
    });
    at = next + CRLF.length + delimiter.length;
  }
}
