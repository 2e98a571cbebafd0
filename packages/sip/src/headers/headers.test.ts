import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { splitList } from '../grammar/list-split.ts';
import {
  formatCredentials,
  formatDigestChallenge,
  parseChallenge,
  parseCredentials,
} from './auth-headers.ts';
import { isWildcard, parseContact } from './contact-header.ts';
import { canonicalHeaderName, wireHeaderName } from './header-names.ts';
import {
  parseEvent,
  parseReplaces,
  parseRetryAfter,
  parseSessionExpires,
  parseSubscriptionState,
} from './event-headers.ts';
import { parseMessage } from '../message/message-parser.ts';
import { parseMediaType } from './media-type.ts';
import { parseNameAddr } from './name-addr.ts';
import { parseCSeq, parseRAck } from './scalar-headers.ts';
import { parseVia } from './via-header.ts';

test('splits lists only on commas outside quotes, brackets and comments', () => {
  assert.deepEqual(splitList('"a, b" <sip:x@y;p=1,2>, <sip:z@w> , (c, d) e'), [
    '"a, b" <sip:x@y;p=1,2>',
    '<sip:z@w>',
    '(c, d) e',
  ]);
});

test('maps compact forms and spells names canonically', () => {
  assert.equal(canonicalHeaderName('v'), 'via');
  assert.equal(canonicalHeaderName('K'), 'supported');
  assert.equal(canonicalHeaderName('X'), 'session-expires');
  assert.equal(wireHeaderName('call-id'), 'Call-ID');
  assert.equal(wireHeaderName('www-authenticate'), 'WWW-Authenticate');
  assert.equal(wireHeaderName('record-route'), 'Record-Route');
});

test('Via: branch, received, rport (RFC 3581), maddr, ttl, IPv6 sent-by', () => {
  const [a, b] = parseVia(
    'SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK1;rport;maddr=224.2.0.1;ttl=16, SIP/2.0/TCP h.example.com;received=192.0.2.1;rport=5062;branch=old',
  );
  assert.ok(a && b);
  assert.equal(a.host, '[2001:db8::9]');
  assert.equal(a.port, 5070);
  assert.equal(a.rport, null);
  assert.equal(a.maddr, '224.2.0.1');
  assert.equal(a.ttl, 16);
  assert.ok(a.hasRfc3261Branch);
  assert.equal(b.rport, 5062);
  assert.equal(b.received, '192.0.2.1');
  assert.ok(!b.hasRfc3261Branch);
  const stamped = a.withReceived('2001:db8::1').withRport(40000);
  assert.equal(
    stamped.toString(),
    'SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK1;rport=40000;maddr=224.2.0.1;ttl=16;received=2001:db8::1',
  );
  assert.equal(a.rport, null, 'the original is unchanged');
  for (const bad of [
    'SIP/2.0/UDP',
    'SIP/2.0 UDP h',
    'SIP/2.0/UDP h;ttl=300',
    'SIP/2.0/UDP h;received=nothost',
    'SIP/2.0/UDP h;branch=a;branch=b',
    'SIP/2.0/UDP h;rport=70000',
  ]) {
    assert.throws(() => parseVia(bad), SipParseError, bad);
  }
});

test('name-addr: display names, tags, addr-spec parameters belong to the header', () => {
  const a = parseNameAddr(
    '"Alice \\"A\\"" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774',
    'from',
  );
  assert.equal(a.display, 'Alice "A"');
  assert.equal(a.tag, '1928301774');
  assert.equal(
    a.toString(),
    '"Alice \\"A\\"" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774',
  );
  const b = parseNameAddr('sip:bob@biloxi.com;tag=a6c85cf', 'to');
  assert.equal(b.tag, 'a6c85cf');
  assert.equal(b.withTag('x').tag, 'x');
  assert.equal(b.tag, 'a6c85cf');
  assert.throws(() => parseNameAddr('<sip:a@b', 'to'), SipParseError);
  assert.throws(() => parseNameAddr('sip:a@b;tag=1;tag=2', 'to'), SipParseError);
});

test('Contact: wildcard, q, expires, +sip.instance, reg-id', () => {
  const [w] = parseContact('*');
  assert.ok(w && isWildcard(w));
  const [c, d] = parseContact(
    '<sip:a@192.0.2.1:5060;ob>;q=0.7;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";reg-id=1, sip:b@h',
  );
  assert.ok(c && !isWildcard(c) && d && !isWildcard(d));
  assert.equal(c.q, 0.7);
  assert.equal(c.expires, 3600);
  assert.equal(c.instance, 'urn:uuid:00000000-0000-1000-8000-000A95A0E128');
  assert.equal(c.regId, 1);
  assert.equal(d.q, undefined);
  for (const bad of ['<sip:a@b>;q=2', '<sip:a@b>;expires=-1', '<sip:a@b>;reg-id=x'])
    assert.throws(() => parseContact(bad), SipParseError);
});

test('Digest credentials and challenges parse into plain objects and format back', () => {
  const c = parseCredentials(
    'Digest username="bob", realm="biloxi.com", nonce="dcd98b", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae4", opaque="5ccc", algorithm=SHA-256, userhash=false',
  );
  assert.ok(c.kind === 'digest');
  assert.equal(c.username, 'bob');
  assert.equal(c.uri, 'sip:bob@biloxi.com');
  assert.equal(c.qop, 'auth');
  assert.equal(c.nc, '00000001');
  assert.equal(c.algorithm, 'SHA-256');
  assert.equal(c.userhash, false);
  const { params: _a, ...again } = parseCredentials(formatCredentials(c)) as typeof c;
  const { params: _b, ...orig } = c;
  assert.deepEqual(again, orig);
  assert.throws(() => parseCredentials('Digest username="bob"'), SipParseError, 'required fields');
  assert.throws(() => parseCredentials('Digest username="a", username="b"'), SipParseError);
  assert.throws(
    () =>
      parseCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="r", nc=1'),
    SipParseError,
  );

  const value = formatDigestChallenge({
    realm: 'pbx',
    nonce: 'abc',
    algorithm: 'SHA-256',
    qop: ['auth'],
    stale: true,
    opaque: 'o',
  });
  assert.equal(
    value,
    'Digest realm="pbx", nonce="abc", opaque="o", stale=TRUE, algorithm=SHA-256, qop="auth"',
  );
  const ch = parseChallenge(value);
  assert.ok(ch.kind === 'digest');
  assert.deepEqual(
    [ch.realm, ch.nonce, ch.stale, ch.algorithm, ch.qop],
    ['pbx', 'abc', true, 'SHA-256', ['auth']],
  );
  assert.equal(parseChallenge('Bearer realm="x"').kind, 'other');
});

test('scalar and extension headers', () => {
  assert.deepEqual(parseCSeq('0009 INVITE'), { seq: 9, method: 'INVITE' });
  assert.throws(() => parseCSeq('2147483648 INVITE'), SipParseError);
  assert.throws(() => parseCSeq('1INVITE'), SipParseError);
  assert.deepEqual(parseRAck('776656 1 INVITE'), { rseq: 776656, cseq: 1, method: 'INVITE' });
  const ct = parseMediaType('multipart/mixed ; boundary="a b"');
  assert.equal(ct.essence, 'multipart/mixed');
  assert.equal(ct.params.get('boundary'), 'a b');
  assert.equal(parseEvent('presence;id=7').id, '7');
  const ss = parseSubscriptionState('terminated;reason=timeout;retry-after=30');
  assert.deepEqual([ss.state, ss.reason, ss.retryAfter], ['terminated', 'timeout', 30]);
  const r = parseReplaces('98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only');
  assert.deepEqual(
    [r.callId, r.fromTag, r.toTag, r.earlyOnly],
    ['98732@sip.example.com', 'r33th4x0r', 'ff87ff', true],
  );
  const se = parseSessionExpires('1800;refresher=uas');
  assert.deepEqual([se.seconds, se.refresher], [1800, 'uas']);
  assert.throws(() => parseSessionExpires('1800;refresher=both'), SipParseError);
  const ra = parseRetryAfter('18000 (in a (nested) meeting);duration=3600');
  assert.deepEqual([ra.seconds, ra.comment, ra.duration], [18000, 'in a (nested) meeting', 3600]);
});

test('Accept lists media ranges with parameters; an empty one accepts nothing', () => {
  const message = (accept: string) =>
    parseMessage(
      Buffer.from(
        [
          'SUBSCRIBE sip:1002@pbx.test SIP/2.0',
          'Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1',
          'From: <sip:1001@pbx.test>;tag=a',
          'To: <sip:1002@pbx.test>',
          'Call-ID: c1',
          'CSeq: 1 SUBSCRIBE',
          accept,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      ),
    );
  const listed = message('Accept: application/dialog-info+xml, application/*;q=0.5, */*');
  assert.deepEqual(
    listed.header('accept').map((m) => m.essence),
    ['application/dialog-info+xml', 'application/*', '*/*'],
  );
  assert.deepEqual(message('Accept:').header('accept'), []);
  assert.throws(() => message('Accept: dialog-info').header('accept'), SipParseError);
});
