/**
 * Headers whose values are numbers, words or token lists: CSeq, Call-ID,
 * Max-Forwards, Content-Length, Expires, Min-Expires, RSeq, RAck, the option
 * tag and method lists, and User-Agent/Server (kept as text).
 */
import { isDigit, isToken, isWordChar } from '../grammar/char-classes.ts';
import { badHeader } from '../grammar/sip-parse-error.ts';
import { Scanner } from '../grammar/value-scanner.ts';
import { splitList } from '../grammar/list-split.ts';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

const MAX_UINT32 = 2 ** 32 - 1;

/** Reads 1*DIGIT bounded by `max`; leading zeros allowed, as RFC 4475 §3.1.1.1 shows. */
export function readNumber(s: Scanner, max: number, what: string): number {
  const digits = s.run(isDigit);
  if (digits.length === 0) s.fail(`expected ${what}`);
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (trimmed.length > 10 || Number(trimmed) > max) s.fail(`${what} out of range`);
  return Number(trimmed);
}

export function parseNumberValue(value: string, header: string, max: number): number {
  const s = new Scanner(value, header);
  s.skipWs();
  const n = readNumber(s, max, 'a number');
  s.end();
  return n;
}

/** CSeq: the sequence number must be below 2**31 (RFC 3261 §8.1.1.5). */
export function parseCSeq(value: string): CSeq {
  const s = new Scanner(value, 'cseq');
  s.skipWs();
  const seq = readNumber(s, 2 ** 31 - 1, 'sequence number');
  if (!s.skipWs()) s.fail('expected LWS');
  const method = s.expectToken('method');
  s.end();
  return { seq, method };
}

export function formatCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}

export function parseRAck(value: string): RAck {
  const s = new Scanner(value, 'rack');
  s.skipWs();
  const rseq = readNumber(s, MAX_UINT32, 'response number');
  if (!s.skipWs()) s.fail('expected LWS');
  const cseq = readNumber(s, MAX_UINT32, 'CSeq number');
  if (!s.skipWs()) s.fail('expected LWS');
  const method = s.expectToken('method');
  s.end();
  return { rseq, cseq, method };
}

export function formatRAck(r: RAck): string {
  return `${r.rseq} ${r.cseq} ${r.method}`;
}

/** callid = word [ "@" word ] (RFC 3261 §25.1). */
export function parseCallId(value: string): string {
  const at = value.indexOf('@');
  const parts = at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
  for (const part of parts) {
    if (part.length === 0) badHeader('call-id', 'empty word');
    for (let i = 0; i < part.length; i++)
      if (!isWordChar(part.charCodeAt(i))) badHeader('call-id', 'bad character');
  }
  return value;
}

export const parseMaxForwards = (v: string): number => parseNumberValue(v, 'max-forwards', 255);
/** Content-Length is bounded far above any message we accept; the framer checks the real size. */
export const parseContentLength = (v: string): number =>
  parseNumberValue(v, 'content-length', MAX_UINT32);
export const parseExpires = (v: string): number => parseNumberValue(v, 'expires', MAX_UINT32);
export const parseMinExpires = (v: string): number =>
  parseNumberValue(v, 'min-expires', MAX_UINT32);
export const parseRSeq = (v: string): number => parseNumberValue(v, 'rseq', MAX_UINT32);

/** Comma-separated tokens (Supported, Require, Allow...); empty elements are skipped. */
export function tokenListParser(header: string): (value: string) => string[] {
  return (value) => {
    const out: string[] = [];
    for (const item of splitList(value)) {
      if (item.length === 0) continue;
      if (!isToken(item)) badHeader(header, 'expected a token');
      out.push(item);
    }
    return out;
  };
}

/** User-Agent / Server: product and comment text, kept whole (RFC 3261 §20.35, §20.41). */
export function parseText(value: string): string {
  return value;
}
