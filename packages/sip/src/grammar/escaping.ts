/**
 * Percent-escaping of URI components (RFC 3261 §19.1.2, RFC 3986 §2.1).
 */
import { isHexDigit } from './char-classes.ts';

/** True when every '%' in `s[start, end)` starts a valid escape. */
export function escapesValid(s: string, start = 0, end = s.length): boolean {
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) !== 0x25) continue;
    if (i + 2 >= end) return false;
    if (!isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2))) return false;
    i += 2;
  }
  return true;
}

const RESERVED = new Set(';/?:@&=+$,');

/**
 * Normalises a component for comparison (RFC 3261 §19.1.4): an escaped
 * character that is not reserved equals itself unescaped; reserved ones stay
 * escaped, with upper-case hex. Works on bytes so multi-byte escapes survive.
 */
export function normalizeEscapes(s: string): string {
  if (!s.includes('%')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (
      ch === '%' &&
      i + 2 < s.length &&
      isHexDigit(s.charCodeAt(i + 1)) &&
      isHexDigit(s.charCodeAt(i + 2))
    ) {
      const code = parseInt(s.slice(i + 1, i + 3), 16);
      const decoded = String.fromCharCode(code);
      out +=
        code < 0x80 && code > 0x20 && !RESERVED.has(decoded)
          ? decoded
          : `%${s.slice(i + 1, i + 3).toUpperCase()}`;
      i += 2;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Decodes every valid escape into bytes and reads them as UTF-8 (lossy for invalid UTF-8). */
export function unescapeComponent(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && isHexDigit(s.charCodeAt(i + 1)) && isHexDigit(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escapes every character of `s` for which `allowed` is false, as UTF-8 bytes. */
export function escapeComponent(s: string, allowed: (code: number) => boolean): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x80 && allowed(c)) out += ch;
    else
      for (const b of Buffer.from(ch, 'utf8'))
        out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
