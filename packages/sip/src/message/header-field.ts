/**
 * One header line of a message. Parsed messages keep offsets into the
 * received buffer and decode the value only when asked; built ones hold text.
 */
import { canonicalHeaderName, wireHeaderName } from '../headers/header-names.ts';
import { isHeaderName } from '../headers/header-registry.ts';
import { trimWs } from '../grammar/list-split.ts';

export interface HeaderField {
  /** Canonical name: lower case, compact forms expanded (`v` → `via`). */
  readonly name: string;
  /** The name as it will be written. */
  readonly wireName: string;
  /** The value with line folding replaced by single spaces, outer whitespace trimmed. */
  readonly value: string;
}

const KNOWN_SPELLING = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow-events',
  'call-info',
  'content-disposition',
  'content-encoding',
  'content-language',
  'date',
  'error-info',
  'in-reply-to',
  'mime-version',
  'organization',
  'priority',
  'reply-to',
  'subject',
  'timestamp',
  'warning',
  'referred-by',
  'accept-contact',
  'reject-contact',
  'request-disposition',
  'identity',
  'identity-info',
]);

/** The name to write for a header: the usual spelling when we know the header, else as received. */
export function wireNameFor(canonical: string, received: string): string {
  return isHeaderName(canonical) || KNOWN_SPELLING.has(canonical)
    ? wireHeaderName(canonical)
    : received;
}

/** A header field over bytes of a received message. */
export class BufferHeaderField implements HeaderField {
  readonly name: string;
  readonly #rawName: string;
  readonly #buf: Buffer;
  readonly #start: number;
  readonly #end: number;
  readonly #folded: boolean;
  #value: string | undefined;

  constructor(rawName: string, buf: Buffer, start: number, end: number, folded: boolean) {
    this.name = canonicalHeaderName(rawName);
    this.#rawName = rawName;
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
    this.#folded = folded;
  }

  /** Worked out only when the message is written out. */
  get wireName(): string {
    return wireNameFor(this.name, this.#rawName);
  }

  get value(): string {
    if (this.#value === undefined) {
      let v = this.#buf.toString('utf8', this.#start, this.#end);
      if (this.#folded) v = unfold(v);
      this.#value = trimWs(v);
    }
    return this.#value;
  }
}

/** A header field built in code. */
export function textField(name: string, value: string): HeaderField {
  const canonical = canonicalHeaderName(name);
  return { name: canonical, wireName: wireNameFor(canonical, name), value };
}

/**
 * Replaces each line fold (optional WS, CRLF, WS) by one space, in one
 * linear pass: a regular expression here backtracks on long runs of spaces.
 */
function unfold(v: string): string {
  let out = '';
  let i = 0;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) {
      let end = out.length;
      while (end > 0 && (out.charCodeAt(end - 1) === 0x20 || out.charCodeAt(end - 1) === 0x09))
        end--;
      out = `${out.slice(0, end)} `;
      i++;
      while (
        i < v.length &&
        (v.charCodeAt(i) === 0x0a || v.charCodeAt(i) === 0x20 || v.charCodeAt(i) === 0x09)
      )
        i++;
      continue;
    }
    out += v[i] ?? '';
    i++;
  }
  return out;
}
