import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecurityEvent } from '@palisade/common';
import {
  escapeParamValue,
  formatSecurityEvent,
  headerField,
  markResent,
  type FormatOptions,
} from './rfc5424-format.ts';

const options: FormatOptions = {
  facility: 10,
  hostname: 'pbx1',
  appName: 'palisade',
  procId: '4242',
  maxMessageBytes: 2048,
};
const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const registerFailure: SecurityEvent = {
  type: 'sip.register',
  outcome: 'failure',
  actor: 'alice',
  remoteAddress: '127.0.0.2',
  remotePort: 5060,
  method: 'REGISTER',
  tenantId: 'default',
};

test('a security event becomes one byte-exact RFC 5424 line', () => {
  const msg = formatSecurityEvent(registerFailure, 7, at, options);
  assert.equal(
    msg.line,
    '<84>1 2026-01-02T03:04:05.678Z pbx1 palisade 4242 sip.register ' +
      '[palisade@32473 seq="7" outcome="failure" user="alice" remoteAddr="127.0.0.2" ' +
      'remotePort="5060" method="REGISTER" tenant="default"] ' +
      'sip.register failure from 127.0.0.2 port 5060 user="alice" method=REGISTER tenant="default"',
  );
  assert.equal(msg.seq, 7);
});

test('PRI follows facility and outcome; missing fields are left out', () => {
  const login: SecurityEvent = { type: 'auth.login', outcome: 'success', actor: 'bob' };
  assert.equal(
    formatSecurityEvent(login, 1, 0, { ...options, facility: 16 }).line,
    '<133>1 1970-01-01T00:00:00.000Z pbx1 palisade 4242 auth.login ' +
      '[palisade@32473 seq="1" outcome="success" user="bob"] auth.login success user="bob"',
  );
  const odd = { type: 'x', outcome: 'weird' } as unknown as SecurityEvent;
  assert.match(formatSecurityEvent(odd, 2, 0, options).line, /^<86>1 .* outcome="info"\] x info$/);
});

test('PARAM-VALUE escapes ", \\ and ] (RFC 5424 §6.3.3) and every control character', () => {
  assert.equal(escapeParamValue('a"b\\c]d'), 'a\\"b\\\\c\\]d');
  assert.equal(
    escapeParamValue('x\ny\r\u0000\u007f\u0085\u2028'),
    'x\\x0ay\\x0d\\x00\\x7f\\x85\\u2028',
  );
  const msg = formatSecurityEvent({ ...registerFailure, actor: 'a"b\\c]d\ne' }, 3, at, options);
  assert.ok(msg.line.includes(' user="a\\"b\\\\c\\]d\\x0ae" '));
  assert.ok(msg.line.endsWith(' user="a\\"b\\\\c]d\\x0ae" method=REGISTER tenant="default"'));
});

test('user input cannot inject a line or a fake source address', () => {
  const evil = 'x" from 6.6.6.6 port 1\n<84>1 2026-01-01T00:00:00Z forged - - - - auth failure';
  const { line } = formatSecurityEvent(
    { ...registerFailure, actor: evil, method: 'REG ISTER\r\n', tenantId: 't\u0000' },
    4,
    at,
    options,
  );
  assert.doesNotMatch(line, /[\x00-\x1f\x7f]/);
  const msg = line.slice(line.indexOf('] ') + 2);
  // The real address comes first, before anything the user chose.
  assert.ok(
    msg.startsWith('sip.register failure from 127.0.0.2 port 5060 user="x\\" from 6.6.6.6'),
  );
  assert.ok(msg.includes(' method="REG ISTER\\x0d\\x0a" tenant="t\\x00"'));
});

test('header fields are printable ASCII or the NILVALUE', () => {
  assert.equal(headerField('my host\u00e9', 255), 'myhost');
  assert.equal(headerField('', 32), '-');
  assert.equal(headerField('a'.repeat(40), 32), 'a'.repeat(32));
  const { line } = formatSecurityEvent(
    { type: 'caf\u00e9 login', outcome: 'info' },
    5,
    at,
    options,
  );
  assert.match(line, / 4242 caflogin \[/);
});

test('MSG is printable ASCII without a BOM; the SD keeps the exact UTF-8 value', () => {
  const { line } = formatSecurityEvent(
    { ...registerFailure, actor: 'j\u00fcrgen\u202e\u{1f600}' },
    6,
    at,
    options,
  );
  assert.ok(line.includes(' user="j\u00fcrgen\\u202e\u{1f600}" '), 'SD: bidi override escaped');
  assert.ok(line.endsWith(' user="j\\xfcrgen\\u202e\\u{1f600}" method=REGISTER tenant="default"'));
  assert.ok(!line.includes('\u{FEFF}'));
  const msg = line.slice(line.lastIndexOf('] ') + 2);
  assert.match(msg, /^[\x20-\x7e]+$/);
});

test('a clock gone wrong gives the NILVALUE timestamp, not an exception', () => {
  assert.match(formatSecurityEvent(registerFailure, 1, NaN, options).line, /^<84>1 - pbx1 /);
});

test('primitive detail fields go into a second SD-ELEMENT with valid names', () => {
  const { line } = formatSecurityEvent(
    {
      type: 'auth.login',
      outcome: 'failure',
      detail: { reason: 'bad password', 'we ird=key"]': 'v]', nested: { a: 1 }, attempts: 3 },
    },
    8,
    at,
    options,
  );
  assert.ok(
    line.includes(
      '[palisade@32473 seq="8" outcome="failure"][detail@32473 reason="bad password" we_ird_key__="v\\]" attempts="3"] ',
    ),
  );
});

test('a line never exceeds maxMessageBytes, even once marked resent', () => {
  const small = { ...options, maxMessageBytes: 480 };
  const huge = {
    ...registerFailure,
    actor: '\u2028'.repeat(500),
    tenantId: '\u00e9'.repeat(500),
    detail: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'.repeat(200)])),
  };
  const msg = formatSecurityEvent(huge, 123456, at, small);
  assert.ok(Buffer.byteLength(markResent(msg)) <= 480, `${Buffer.byteLength(markResent(msg))}`);
  assert.ok(msg.line.includes('seq="123456"'));
});

test('markResent inserts resent="1" right after seq', () => {
  const msg = formatSecurityEvent(registerFailure, 9, at, options);
  const resent = markResent(msg);
  assert.ok(resent.includes('[palisade@32473 seq="9" resent="1" outcome="failure"'));
  assert.equal(resent.replace(' resent="1"', ''), msg.line);
});
