/**
 * Text and attribute values for the XML bodies of NOTIFY (dialog-info,
 * PIDF): the five markup characters escaped, and the characters XML 1.0
 * cannot carry at all (controls other than tab, LF, CR; lone surrogates;
 * U+FFFE, U+FFFF) dropped, so a display name can never break a document.
 */

const MARKUP: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// XML 1.0 §2.2 Char, complemented: what may not appear even escaped
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` safe inside an element or a double- or single-quoted attribute. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => MARKUP[c] ?? c);
}
