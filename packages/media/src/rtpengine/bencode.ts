/**
 * Bencode (the ng protocol's encoding): byte strings, integers, lists and
 * dictionaries with sorted keys. Strings are UTF-8 here: everything rtpengine
 * sends us (SDP, tags, reasons) is text. Decoding is bounded in depth and
 * size and refuses trailing or malformed input.
 */
import { PalisadeError } from '@palisade/common';

export type BValue = string | number | readonly BValue[] | { readonly [key: string]: BValue };
export type BDict = { readonly [key: string]: BValue };

const MAX_DEPTH = 32;

export function bencode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts, 0);
  return Buffer.concat(parts);
}

function write(value: BValue, out: Buffer[], depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError('bencode: nesting too deep');
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(Buffer.from(`${bytes.length}:`), bytes);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('bencode: integers only');
    out.push(Buffer.from(`i${value}e`));
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('l'));
    for (const v of value as readonly BValue[]) write(v, out, depth + 1);
    out.push(Buffer.from('e'));
  } else {
    out.push(Buffer.from('d'));
    const dict = value as BDict;
    // Keys sorted as raw byte strings (BEP 3).
    for (const key of Object.keys(dict).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    )) {
      write(key, out, depth + 1);
      write(dict[key] as BValue, out, depth + 1);
    }
    out.push(Buffer.from('e'));
  }
}

function malformed(what: string): never {
  throw new PalisadeError('bad_request', `bencode: ${what}`);
}

export function bdecode(input: Uint8Array, maxBytes = 1024 * 1024): BValue {
  if (input.length > maxBytes) malformed('input too large');
  const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
  const [value, end] = read(buf, 0, 0);
  if (end !== buf.length) malformed('trailing data');
  return value;
}

function read(buf: Buffer, at: number, depth: number): [BValue, number] {
  if (depth > MAX_DEPTH) malformed('nesting too deep');
  const c = buf[at];
  if (c === undefined) malformed('truncated');
  if (c === 0x69 /* i */) {
    const end = buf.indexOf(0x65 /* e */, at + 1);
    if (end < 0) malformed('truncated integer');
    const text = buf.toString('latin1', at + 1, end);
    if (!/^(0|-?[1-9]\d{0,15})$/.test(text)) malformed('bad integer');
    return [Number(text), end + 1];
  }
  if (c === 0x6c /* l */) {
    const list: BValue[] = [];
    let pos = at + 1;
    while (buf[pos] !== 0x65) {
      if (pos >= buf.length) malformed('truncated list');
      const [v, next] = read(buf, pos, depth + 1);
      list.push(v);
      pos = next;
    }
    return [list, pos + 1];
  }
  if (c === 0x64 /* d */) {
    const dict: Record<string, BValue> = Object.create(null) as Record<string, BValue>;
    let pos = at + 1;
    while (buf[pos] !== 0x65) {
      if (pos >= buf.length) malformed('truncated dictionary');
      const [k, afterKey] = read(buf, pos, depth + 1);
      if (typeof k !== 'string') malformed('dictionary key is not a string');
      const [v, next] = read(buf, afterKey, depth + 1);
      dict[k] = v;
      pos = next;
    }
    return [dict, pos + 1];
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = buf.indexOf(0x3a /* : */, at);
    if (colon < 0 || colon - at > 10) malformed('bad string length');
    const lenText = buf.toString('latin1', at, colon);
    if (!/^(0|[1-9]\d*)$/.test(lenText)) malformed('bad string length');
    const len = Number(lenText);
    if (colon + 1 + len > buf.length) malformed('truncated string');
    return [buf.toString('utf8', colon + 1, colon + 1 + len), colon + 1 + len];
  }
  return malformed('unexpected byte');
}

export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
