import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { uriEquals } from './uri-compare.ts';
import { formatUri } from './uri-format.ts';
import { parseUri } from './uri-parser.ts';
import { sipUri } from './uri-build.ts';

const p = (s: string) => parseUri(s, 'test');

test('parses every part of a SIP URI, IPv6 references included', () => {
  const u = p('sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&priority=urgent');
  assert.ok(u.kind === 'sip');
  assert.equal(u.scheme, 'sips');
  assert.equal(u.user, 'alice');
  assert.equal(u.password, 'secret');
  assert.equal(u.host, '[2001:db8::1]');
  assert.equal(u.hostKind, 'ipv6');
  assert.equal(u.port, 5061);
  assert.equal(u.params.get('transport'), 'tcp');
  assert.equal(u.params.get('lr'), null);
  assert.deepEqual(u.headers, [
    ['subject', 'hi'],
    ['priority', 'urgent'],
  ]);
  assert.equal(
    formatUri(u),
    'sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&priority=urgent',
  );
});

test('parses TEL URIs and keeps other schemes opaque', () => {
  const t = p('tel:+1-201-555-0123;phone-context=example.com');
  assert.ok(t.kind === 'tel');
  assert.equal(t.number, '+1-201-555-0123');
  assert.equal(t.params.get('phone-context'), 'example.com');
  assert.deepEqual(p('urn:service:sos'), { kind: 'other', scheme: 'urn', raw: 'urn:service:sos' });
});

test('refuses malformed URIs with a SipParseError', () => {
  for (const bad of [
    'sip:',
    'sip:user@',
    'sip:host:99999',
    'sip:[2001:db8::1',
    'sip:[::g]',
    'sip:a@b;;c',
    'sip:user@host?nohdrvalue',
    'sip:us%zzer@host',
    'sip:-bad-.example.com',
    'sip:host name',
    ':nothing',
    'tel:',
  ]) {
    assert.throws(() => p(bad), SipParseError, bad);
  }
  assert.throws(
    () => parseUri(`sip:${'a'.repeat(2000)}@h`, 'x'),
    (e) => e instanceof SipParseError && e.reason === 'uri_too_long',
  );
});

test('compares SIP URIs by RFC 3261 §19.1.4', () => {
  const eq = (a: string, b: string) => uriEquals(p(a), p(b));
  // equivalent
  assert.ok(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'));
  assert.ok(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'));
  assert.ok(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'));
  assert.ok(
    eq(
      'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
      'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
    ),
  );
  assert.ok(
    eq(
      'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
      'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    ),
  );
  // not equivalent
  assert.ok(!eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'));
  assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'));
  assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'));
  assert.ok(!eq('sip:bob@biloxi.com', 'sips:bob@biloxi.com'));
  assert.ok(!eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'));
  assert.ok(!eq('sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'));
  assert.ok(!eq('sip:carol@chicago.com;newparam=6', 'sip:carol@chicago.com;newparam=5'));
  // TEL ignores visual separators
  assert.ok(eq('tel:+1-201-555-0123', 'tel:+1.201.555.0123'));
  assert.ok(!eq('tel:+1-201-555-0123', 'sip:+12015550123@example.com'));
});

test('builds URIs, bracketing bare IPv6 addresses', () => {
  const u = sipUri({ user: 'bob', host: '2001:db8::2', port: 5060, params: { transport: 'tcp' } });
  assert.equal(formatUri(u), 'sip:bob@[2001:db8::2]:5060;transport=tcp');
  assert.throws(() => sipUri({ host: 'bad host' }), SipParseError);
});

test('TEL numbers: global digits or local hex digits, * and #, with separators', () => {
  for (const ok of [
    'tel:+1(201)555-0123',
    'tel:7042;phone-context=example.com',
    'tel:*21#;phone-context=+1',
  ]) {
    assert.equal(p(ok).kind, 'tel', ok);
  }
  for (const bad of ['tel:+', 'tel:+12a', 'tel:--', 'tel:12 34'])
    assert.throws(() => p(bad), SipParseError, bad);
});
