/**
 * RFC 4515 §3: a value inside a search filter is written as UTF-8 where the
 * characters `*`, `(`, `)`, `\` and NUL must be escaped as `\XX` (two hex
 * digits). We escape those five plus every other control character and
 * anything outside printable ASCII so a value can never change the shape of
 * the filter: `*)(uid=*` becomes the literal string, not a wildcard.
 */
const MAX_VALUE_LENGTH = 1024;

export function escapeLdapFilterValue(value: string): string {
  if (value.length > MAX_VALUE_LENGTH) throw new RangeError('LDAP filter value too long');
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const safe =
      byte >= 0x20 &&
      byte < 0x7f &&
      byte !== 0x2a &&
      byte !== 0x28 &&
      byte !== 0x29 &&
      byte !== 0x5c;
    out += safe ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * An equality filter `(attr=value)` with the value escaped. The attribute
 * name comes from configuration and must be a plain RFC 4512 descriptor
 * (letters, digits, hyphens) or a numeric OID.
 */
export function ldapEquals(attribute: string, value: string): string {
  assertAttributeName(attribute);
  return `(${attribute}=${escapeLdapFilterValue(value)})`;
}

const DESCRIPTOR = /^(?:[A-Za-z][A-Za-z0-9-]{0,63}|[0-9]+(?:\.[0-9]+){1,31})$/;

export function assertAttributeName(attribute: string): void {
  if (!DESCRIPTOR.test(attribute))
    throw new RangeError(`not an LDAP attribute name: ${JSON.stringify(attribute.slice(0, 64))}`);
}
