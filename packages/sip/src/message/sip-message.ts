/**
 * Immutable SIP requests and responses. Known headers parse lazily into
 * typed values on first access (`msg.header('via')` is `readonly Via[]`) and
 * are cached; unknown headers stay raw (`msg.raw('x-foo')`). Every change
 * returns a new message; the serialised form always carries a correct
 * Content-Length.
 */
import { canonicalHeaderName } from '../headers/header-names.ts';
import { headerCodec } from '../headers/header-registry.ts';
import type { HeaderName, HeaderTypes, ParseContext } from '../headers/header-registry.ts';
import type { NameAddr } from '../headers/name-addr.ts';
import type { CSeq } from '../headers/scalar-headers.ts';
import type { Via } from '../headers/via-header.ts';
import { DEFAULT_MAX_URI_LENGTH } from '../uri/uri-parser.ts';
import { formatUri } from '../uri/uri-format.ts';
import type { Uri } from '../uri/uri-types.ts';
import { textField } from './header-field.ts';
import type { HeaderField } from './header-field.ts';

const DEFAULT_CONTEXT: ParseContext = { maxUriLength: DEFAULT_MAX_URI_LENGTH };
const CRLF = '\r\n';

/**
 * Typed values already parsed, by canonical header name. A message built
 * with one takes it over (no copy): hand it a Map of its own.
 */
export type ParsedHeaders = Map<string, readonly unknown[]>;

abstract class SipMessageBase {
  readonly fields: readonly HeaderField[];
  readonly body: Buffer;
  protected readonly ctx: ParseContext;
  #cache: Map<string, readonly unknown[]> | undefined;
  /** The serialised form, made once: the message never changes. */
  #bytes: Buffer | undefined;

  /**
   * `parsed`: typed values of some headers, already at hand (a message
   * derived from another keeps what did not change; a response starts with
   * the request's Via, From, Call-ID and CSeq). They must be what parsing
   * those header lines gives. The map becomes the message's own (not copied).
   */
  constructor(
    fields: readonly HeaderField[],
    body: Buffer,
    ctx: ParseContext,
    parsed?: ParsedHeaders,
  ) {
    this.fields = fields;
    this.body = body;
    this.ctx = ctx;
    if (parsed !== undefined && parsed.size > 0) this.#cache = parsed;
  }

  abstract get startLine(): string;
  protected abstract rebuild(
    fields: readonly HeaderField[],
    body: Buffer,
    parsed: ParsedHeaders | undefined,
  ): this;

  /** The typed values of `name` if they are parsed already (nothing is parsed here). */
  parsedValues(name: string): readonly unknown[] | undefined {
    return this.#cache?.get(name);
  }

  /** What stays parsed in a message derived from this one where the `changed` headers differ. */
  protected keptParsed(...changed: string[]): ParsedHeaders | undefined {
    if (this.#cache === undefined) return undefined;
    const kept: ParsedHeaders = new Map();
    // forEach: no iterator result object per entry
    this.#cache.forEach((values, name) => {
      if (!changed.includes(name)) kept.set(name, values);
    });
    return kept;
  }

  /**
   * Every value of a known header, in order, parsed on first access. Throws a
   * SipParseError (`bad_header`) when a value is malformed.
   */
  header<K extends HeaderName>(name: K): readonly HeaderTypes[K][] {
    const cached = this.#cache?.get(name);
    if (cached) return cached as readonly HeaderTypes[K][];
    const codec = headerCodec(name);
    const values: HeaderTypes[K][] = [];
    for (const f of this.fields)
      if (f.name === name) for (const v of codec.parse(f.value, this.ctx)) values.push(v);
    const frozen = Object.freeze(values);
    (this.#cache ??= new Map()).set(name, frozen);
    return frozen;
  }

  first<K extends HeaderName>(name: K): HeaderTypes[K] | undefined {
    return this.header(name)[0];
  }

  /** Raw values, one per header line, for any header name (compact forms accepted). */
  raw(name: string): readonly string[] {
    const canonical = canonicalHeaderName(name);
    return this.fields.filter((f) => f.name === canonical).map((f) => f.value);
  }

  has(name: string): boolean {
    const canonical = canonicalHeaderName(name);
    return this.fields.some((f) => f.name === canonical);
  }

  #required<K extends HeaderName>(name: K): HeaderTypes[K] {
    const v = this.first(name);
    // parseMessage and the builders guarantee these headers; absence is a bug
    if (v === undefined) throw new Error(`message has no ${name} header`);
    return v;
  }

  get callId(): string {
    return this.#required('call-id');
  }
  get cseq(): CSeq {
    return this.#required('cseq');
  }
  get from(): NameAddr {
    return this.#required('from');
  }
  get to(): NameAddr {
    return this.#required('to');
  }
  get topVia(): Via {
    return this.#required('via');
  }

  /** Replaces every line of `name` with one line per value (at the first line's place). */
  withHeader<K extends HeaderName>(name: K, values: readonly HeaderTypes[K][]): this {
    const format = headerCodec(name).format;
    const next = this.withRawHeader(
      name,
      values.map((v) => format(v)),
    );
    // the typed values given are what their lines parse to
    (next.#cache ??= new Map()).set(name, Object.freeze([...values]));
    return next;
  }

  /** As withHeader, for any header, from raw values. */
  withRawHeader(name: string, values: readonly string[]): this {
    const canonical = canonicalHeaderName(name);
    const fresh = values.map((v) => textField(name, v));
    const index = this.fields.findIndex((f) => f.name === canonical);
    const kept = this.fields.filter((f) => f.name !== canonical);
    const at = index < 0 ? kept.length : index;
    return this.rebuild(
      [...kept.slice(0, at), ...fresh, ...kept.slice(at)],
      this.body,
      this.keptParsed(canonical),
    );
  }

  /** Adds a value above all others of its header (Via, Record-Route). */
  prependHeader<K extends HeaderName>(name: K, value: HeaderTypes[K]): this {
    const field = textField(name, headerCodec(name).format(value));
    const index = this.fields.findIndex((f) => f.name === field.name);
    const at = index < 0 ? this.fields.length : index;
    return this.rebuild(
      [...this.fields.slice(0, at), field, ...this.fields.slice(at)],
      this.body,
      this.keptParsed(field.name),
    );
  }

  /** Adds a header line at the end (any header, raw value). */
  appendRawHeader(name: string, value: string): this {
    const field = textField(name, value);
    return this.rebuild([...this.fields, field], this.body, this.keptParsed(field.name));
  }

  appendHeader<K extends HeaderName>(name: K, value: HeaderTypes[K]): this {
    return this.appendRawHeader(name, headerCodec(name).format(value));
  }

  removeHeader(name: string): this {
    const canonical = canonicalHeaderName(name);
    return this.rebuild(
      this.fields.filter((f) => f.name !== canonical),
      this.body,
      this.keptParsed(canonical),
    );
  }

  /** Replaces the top Via value (e.g. to stamp received/rport, RFC 3261 §18.2.1, RFC 3581 §4). */
  withTopVia(via: Via): this {
    const vias = this.header('via');
    return this.withHeader('via', [via, ...vias.slice(1)]);
  }

  /** Removes the top Via value (a proxy forwarding a response, RFC 3261 §16.7). */
  withoutTopVia(): this {
    return this.withHeader('via', this.header('via').slice(1));
  }

  /** Sets the body; a content type replaces Content-Type, an empty body removes it. */
  withBody(body: Buffer, contentType?: string): this {
    let next = this.rebuild(this.fields, body, this.keptParsed('content-type', 'content-length'));
    if (contentType !== undefined) next = next.withRawHeader('content-type', [contentType]);
    else if (body.length === 0) next = next.removeHeader('content-type');
    return next;
  }

  /**
   * Canonical wire bytes: start line, each header line, a computed
   * Content-Length, body. Made once and shared: do not write into them.
   */
  toBuffer(): Buffer {
    return (this.#bytes ??= this.#serialise());
  }

  #serialise(): Buffer {
    let head = this.startLine + CRLF;
    for (const f of this.fields) {
      if (f.name === 'content-length') continue;
      head += `${f.wireName}: ${f.value}${CRLF}`;
    }
    head += `Content-Length: ${this.body.length}${CRLF}${CRLF}`;
    const headBytes = Buffer.from(head, 'utf8');
    return this.body.length === 0 ? headBytes : Buffer.concat([headBytes, this.body]);
  }

  toString(): string {
    return this.toBuffer().toString('utf8');
  }
}

export class SipRequest extends SipMessageBase {
  readonly isRequest = true as const;
  readonly method: string;
  readonly uri: Uri;

  constructor(
    method: string,
    uri: Uri,
    fields: readonly HeaderField[],
    body: Buffer = Buffer.alloc(0),
    ctx: ParseContext = DEFAULT_CONTEXT,
    parsed?: ParsedHeaders,
  ) {
    super(fields, body, ctx, parsed);
    this.method = method;
    this.uri = uri;
  }

  get startLine(): string {
    return `${this.method} ${formatUri(this.uri)} SIP/2.0`;
  }

  protected rebuild(
    fields: readonly HeaderField[],
    body: Buffer,
    parsed: ParsedHeaders | undefined,
  ): this {
    return new SipRequest(this.method, this.uri, fields, body, this.ctx, parsed) as this;
  }

  withUri(uri: Uri): SipRequest {
    return new SipRequest(this.method, uri, this.fields, this.body, this.ctx, this.keptParsed());
  }
}

export class SipResponse extends SipMessageBase {
  readonly isRequest = false as const;
  readonly status: number;
  readonly reason: string;

  constructor(
    status: number,
    reason: string,
    fields: readonly HeaderField[],
    body: Buffer = Buffer.alloc(0),
    ctx: ParseContext = DEFAULT_CONTEXT,
    parsed?: ParsedHeaders,
  ) {
    super(fields, body, ctx, parsed);
    this.status = status;
    this.reason = reason;
  }

  get startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }

  protected rebuild(
    fields: readonly HeaderField[],
    body: Buffer,
    parsed: ParsedHeaders | undefined,
  ): this {
    return new SipResponse(this.status, this.reason, fields, body, this.ctx, parsed) as this;
  }
}

export type SipMessage = SipRequest | SipResponse;

export function serializeMessage(msg: SipMessage): Buffer {
  return msg.toBuffer();
}
