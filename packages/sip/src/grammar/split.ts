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
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}
