/**
 * Character classes of the RFC 3261 §25.1 grammar, as lookup tables over
 * char codes so the hot scanning loops allocate nothing.
 */

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const TOKEN = table("-.!%*_+`'~", true);
/** word (Call-ID): token chars plus separators that are harmless there. */
const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}', true);
/** unreserved / user-unreserved of a SIP URI user part ('%' checked separately). */
const USER = table("-_.!~*'()&=+$,;?/", true);
const PASSWORD = table("-_.!~*'()&=+$,", true);
/** paramchar of uri-parameter ('%' checked separately). */
const URI_PARAM = table("-_.!~*'()[]/:&+$", true);
/** hnv-unreserved / hname characters of URI headers ('%' checked separately). */
const URI_HEADER = table("-_.!~*'()[]/?:+$", true);
const HOSTNAME = table('-.', true);
/** uric of an absoluteURI (RFC 2396), minus '%' which is checked separately. */
const URIC = table(";/?:@&=+$,-_.!~*'()[]#", true);
/** gen-value of generic-param: token or host (IPv6 included, RFC 5118 allows bare ones). */
const GEN_VALUE = table("-.!%*_+`'~:[]", true);

function inTable(t: Uint8Array, code: number): boolean {
  return code < 128 && t[code] === 1;
}

export const isTokenChar = (c: number): boolean => inTable(TOKEN, c);
export const isWordChar = (c: number): boolean => inTable(WORD, c);
export const isUserChar = (c: number): boolean => inTable(USER, c);
export const isPasswordChar = (c: number): boolean => inTable(PASSWORD, c);
export const isUriParamChar = (c: number): boolean => inTable(URI_PARAM, c);
export const isUriHeaderChar = (c: number): boolean => inTable(URI_HEADER, c);
export const isHostnameChar = (c: number): boolean => inTable(HOSTNAME, c);
export const isUricChar = (c: number): boolean => inTable(URIC, c);
export const isGenValueChar = (c: number): boolean => inTable(GEN_VALUE, c);
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
export const isHexDigit = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
export const isWs = (c: number): boolean => c === 0x20 || c === 0x09;

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}
