/**
 * Splits a header value on the commas that separate list elements (RFC 3261
 * §7.3.1): commas inside quoted strings, angle brackets or comments do not
 * count. Returns the trimmed elements; an unterminated quote or bracket is
 * left to the element parser to refuse.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
      continue;
    }
    if (c === 0x22) inQuote = true;
    else if (c === 0x3c) angle++;
    else if (c === 0x3e) angle = Math.max(0, angle - 1);
    else if (c === 0x28) paren++;
    else if (c === 0x29) paren = Math.max(0, paren - 1);
    else if (c === 0x2c && angle === 0 && paren === 0) {
      out.push(trimWs(value.slice(start, i)));
      start = i + 1;
    }
  }
  out.push(trimWs(value.slice(start)));
  return out;
}

/** Trims SP and HTAB only (other Unicode spaces are content in SIP). */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
