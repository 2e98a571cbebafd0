/**
 * Cuts a byte stream (TCP, TLS) into SIP messages by Content-Length
 * (RFC 3261 §18.3) and reports RFC 5626 §3.5.1 keep-alives: a server sees
 * CRLFCRLF pings, a client sees CRLF pongs. Pure: it only takes chunks and
 * returns events. A broken message inside a well-framed stream is reported
 * and skipped; broken framing (no or bad Content-Length, oversize) is fatal
 * and the transport must close the connection.
 */
import { isWs } from '../grammar/char-classes.ts';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { parseMessage } from './message-parser.ts';
import { resolveLimits } from './parse-limits.ts';
import type { ParseLimits } from './parse-limits.ts';
import type { SipMessage } from './sip-message.ts';

export type FramerEvent =
  | { readonly type: 'message'; readonly message: SipMessage }
  | { readonly type: 'keepalive'; readonly kind: 'ping' | 'pong' }
  | { readonly type: 'error'; readonly error: SipParseError; readonly fatal: boolean };

export interface StreamFramerOptions {
  readonly limits?: Partial<ParseLimits>;
  /** `server` (default) reports CRLFCRLF as a ping; `client` reports each CRLF as a pong. */
  readonly role?: 'server' | 'client';
}

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n');

/** Finds the Content-Length value in a header block; `undefined` absent, `null` malformed or repeated. */
function contentLength(head: Buffer): number | null | undefined {
  let found: number | null | undefined;
  let pos = head.indexOf(LF) + 1; // skip the start line
  while (pos < head.length) {
    let lf = head.indexOf(LF, pos);
    if (lf < 0) lf = head.length;
    let i = pos;
    while (i < lf && !isWs(head[i] ?? 0) && head[i] !== 0x3a) i++;
    const name = head.toString('latin1', pos, i).toLowerCase();
    if (name === 'content-length' || name === 'l') {
      while (i < lf && isWs(head[i] ?? 0)) i++;
      if (head[i] !== 0x3a) return null;
      // the value may continue on folded lines
      let end = lf;
      while (end + 1 < head.length && isWs(head[end + 1] ?? 0)) {
        const next = head.indexOf(LF, end + 1);
        end = next < 0 ? head.length : next;
      }
      const value = head
        .toString('latin1', i + 1, end)
        .replace(/\s+/g, ' ')
        .trim();
      if (found !== undefined || !/^\d{1,10}$/.test(value)) return null;
      found = Number(value);
      lf = end;
    }
    pos = lf + 1;
  }
  return found;
}

export class SipStreamFramer {
  readonly #limits: ParseLimits;
  readonly #role: 'server' | 'client';
  #buf: Buffer = Buffer.alloc(0);
  #failed = false;

  constructor(options: StreamFramerOptions = {}) {
    this.#limits = resolveLimits(options.limits);
    this.#role = options.role ?? 'server';
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#buf.length;
  }

  get failed(): boolean {
    return this.#failed;
  }

  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    if (this.#failed) return events;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const buf = this.#buf;
      if (buf.length === 0) break;
      if (buf[0] === CR || buf[0] === LF) {
        const consumed = this.#keepAlive(buf, events);
        if (consumed === 0) break;
        this.#buf = buf.subarray(consumed);
        continue;
      }
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        if (buf.length > this.#limits.maxMessageBytes)
          this.#fail(events, 'too_large', 'header section too large');
        break;
      }
      const headLength = end + HEADER_END.length;
      const length = contentLength(buf.subarray(0, end + 2));
      if (length === undefined) {
        this.#fail(events, 'missing_content_length', 'Content-Length is required on streams');
        break;
      }
      if (length === null) {
        this.#fail(events, 'bad_content_length', 'malformed or repeated Content-Length');
        break;
      }
      const total = headLength + length;
      if (total > this.#limits.maxMessageBytes) {
        this.#fail(
          events,
          'too_large',
          `message larger than ${this.#limits.maxMessageBytes} bytes`,
        );
        break;
      }
      if (buf.length < total) break;
      try {
        events.push({
          type: 'message',
          message: parseMessage(buf.subarray(0, total), this.#limits, { stream: true }),
        });
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
        events.push({ type: 'error', error: err, fatal: false });
      }
      this.#buf = buf.subarray(total);
    }
    return events;
  }

  /** Consumes keep-alive bytes at a message boundary; 0 means wait for more. */
  #keepAlive(buf: Buffer, events: FramerEvent[]): number {
    if (this.#role === 'client') {
      if (buf[0] === CR && buf.length < 2) return 0;
      const n = buf[0] === CR && buf[1] === LF ? 2 : 1;
      if (n === 2) events.push({ type: 'keepalive', kind: 'pong' });
      return n;
    }
    const prefix = buf.subarray(0, 4);
    if (prefix.length === 4 && prefix.equals(HEADER_END)) {
      events.push({ type: 'keepalive', kind: 'ping' });
      return 4;
    }
    if (prefix.length < 4 && HEADER_END.subarray(0, prefix.length).equals(prefix)) return 0;
    // a stray line ending before a message is ignored (RFC 3261 §7.5)
    return buf[0] === CR && buf[1] === LF ? 2 : 1;
  }

  #fail(
    events: FramerEvent[],
    reason: 'too_large' | 'missing_content_length' | 'bad_content_length',
    what: string,
  ): void {
    this.#failed = true;
    this.#buf = Buffer.alloc(0);
    events.push({ type: 'error', error: new SipParseError(reason, what), fatal: true });
  }
}
