import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAttributeName, escapeLdapFilterValue, ldapEquals } from './ldap-filter-escape.ts';

test('escapes the five RFC 4515 specials', () => {
  assert.equal(escapeLdapFilterValue('a*b(c)d\\e\0f'), 'a\\2ab\\28c\\29d\\5ce\\00f');
});

test('RFC 4515 §4 examples', () => {
  assert.equal(
    ldapEquals('cn', 'Parens R Us (for all your parenthetical needs)'),
    '(cn=Parens R Us \\28for all your parenthetical needs\\29)',
  );
  assert.equal(ldapEquals('cn', '*'), '(cn=\\2a)');
  assert.equal(ldapEquals('filename', 'C:\\MyFile'), '(filename=C:\\5cMyFile)');
});

test('an injection attempt stays one literal value', () => {
  const filter = ldapEquals('uid', '*)(uid=*');
  assert.equal(filter, '(uid=\\2a\\29\\28uid=\\2a)');
  assert.equal([...filter].filter((c) => c === '(').length, 1);
  assert.equal([...filter].filter((c) => c === ')').length, 1);
  assert.ok(!filter.includes('*'));
});

test('non-ASCII is written as escaped UTF-8 octets, controls too', () => {
  assert.equal(escapeLdapFilterValue('Lučić'), 'Lu\\c4\\8di\\c4\\87');
  assert.equal(escapeLdapFilterValue('a\nb\x7f'), 'a\\0ab\\7f');
});

test('attribute names must be descriptors or OIDs', () => {
  assertAttributeName('sAMAccountName');
  assertAttributeName('1.2.840.113556.1.4.803');
  for (const bad of ['uid)(x', 'a b', '', 'uid=', '-x'])
    assert.throws(() => assertAttributeName(bad), RangeError);
  assert.throws(() => escapeLdapFilterValue('x'.repeat(1025)), RangeError);
});
