/**
 * A cursor over one header value (already unfolded: every CRLF+WS became
 * a space). Each read either consumes a production or throws a header-level
 * SipParseError naming the header, never the value.
 */
import { isTokenChar, isWs } from './char-classes.ts';
import { badHeader } from './sip-parse-error.ts';

export class Scanner {
  readonly text: string;
  readonly header: string;
  pos: number;

  constructor(text: string, header: string, start = 0) {
    this.text = text;
    this.header = header;
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  /** The char code at the cursor, or -1 at the end. */
  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Skips spaces and tabs; returns whether any were skipped. */
  skipWs(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && isWs(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  /** Consumes `ch` (with optional whitespace around it when `sws`). */
  consume(ch: string, sws = true): boolean {
    const save = this.pos;
    if (sws) this.skipWs();
    if (this.text.charCodeAt(this.pos) === ch.charCodeAt(0)) {
      this.pos++;
      if (sws) this.skipWs();
      return true;
    }
    this.pos = save;
    return false;
  }

  expect(ch: string, what: string, sws = true): void {
    if (!this.consume(ch, sws)) this.fail(`expected ${what}`);
  }

  /** Reads a (possibly empty) run of token characters. */
  token(): string {
    return this.run(isTokenChar);
  }

  expectToken(what: string): string {
    const t = this.token();
    if (t.length === 0) this.fail(`expected ${what}`);
    return t;
  }

  run(accept: (code: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && accept(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Reads a quoted-string at the cursor and returns its unescaped content. */
  quoted(): string {
    if (this.peek() !== 0x22) this.fail('expected a quoted string');
    let out = '';
    let i = this.pos + 1;
    let chunk = i;
    while (i < this.text.length) {
      const c = this.text.charCodeAt(i);
      if (c === 0x22) {
        out += this.text.slice(chunk, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 0x5c) {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        const next = this.text.charCodeAt(i + 1);
        if (Number.isNaN(next) || next === 0x0a || next === 0x0d || next > 0x7f) break;
        out += this.text.slice(chunk, i) + String.fromCharCode(next);
        i += 2;
        chunk = i;
        continue;
      }
      if (c < 0x20 && c !== 0x09) break;
      i++;
    }
    return this.fail('unterminated or invalid quoted string');
  }

  /** Requires the end of the value (trailing whitespace allowed). */
  end(): void {
    this.skipWs();
    if (!this.done) this.fail('unexpected characters');
  }

  fail(what: string): never {
    return badHeader(this.header, `${what} at offset ${this.pos}`);
  }
}

/** Quotes `s` as a quoted-string, escaping '"' and '\'. */
export function quote(s: string): string {
  if (!s.includes('"') && !s.includes('\\')) return `"${s}"`;
  return `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}
