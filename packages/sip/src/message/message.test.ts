import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { NameAddr } from '../headers/name-addr.ts';
import { Via } from '../headers/via-header.ts';
import { Params } from '../grammar/generic-params.ts';
import { sipUri } from '../uri/uri-build.ts';
import { createRequest, createResponse } from './message-builders.ts';
import { parseMessage } from './message-parser.ts';
import { SipStreamFramer } from './stream-framer.ts';

const invite = () =>
  createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'bob', host: 'biloxi.com' }),
    from: new NameAddr('Alice', sipUri({ user: 'alice', host: 'atlanta.com' })).withTag(
      '1928301774',
    ),
    to: new NameAddr(undefined, sipUri({ user: 'bob', host: 'biloxi.com' })),
    callId: 'a84b4c76e66710',
    cseq: 314159,
    via: [
      new Via(
        'UDP',
        'pc33.atlanta.com',
        undefined,
        Params.empty.with('branch', 'z9hG4bK776asdhds').with('rport', null),
      ),
    ],
    headers: [
      ['Timestamp', '54'],
      ['X-Custom', 'kept raw'],
    ],
    body: Buffer.from('v=0\r\n'),
    contentType: 'application/sdp',
  });

test('typed access, raw access and canonical serialisation with a computed Content-Length', () => {
  const m = invite();
  assert.equal(m.topVia.branch, 'z9hG4bK776asdhds');
  assert.equal(m.first('max-forwards'), 70);
  assert.deepEqual(m.raw('x-custom'), ['kept raw']);
  assert.equal(m.first('content-type')?.essence, 'application/sdp');
  const text = m.toString();
  assert.match(
    text,
    /^INVITE sip:bob@biloxi.com SIP\/2.0\r\nVia: SIP\/2.0\/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport\r\n/,
  );
  assert.match(text, /\r\nCall-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\n/);
  assert.ok(text.endsWith('Content-Length: 5\r\n\r\nv=0\r\n'));
});

test('modifications return new messages and leave the original alone', () => {
  const m = invite();
  const stamped = m.withTopVia(m.topVia.withReceived('192.0.2.7').withRport(5062));
  const proxied = stamped.prependHeader(
    'via',
    new Via('TCP', 'proxy.example.com', 5060, Params.empty.with('branch', 'z9hG4bKp1')),
  );
  assert.equal(m.topVia.received, undefined);
  assert.equal(stamped.topVia.rport, 5062);
  assert.deepEqual(
    proxied.header('via').map((v) => v.host),
    ['proxy.example.com', 'pc33.atlanta.com'],
  );
  assert.equal(proxied.withoutTopVia().topVia.received, '192.0.2.7');
  const empty = m.withBody(Buffer.alloc(0));
  assert.equal(empty.has('content-type'), false);
  assert.ok(empty.toString().endsWith('Content-Length: 0\r\n\r\n'));
  assert.equal(m.removeHeader('x-custom').has('X-Custom'), false);
});

test('responses copy Via, From, To (with a new tag), Call-ID, CSeq (RFC 3261 §8.2.6)', () => {
  const m = invite().withTopVia(invite().topVia.withReceived('192.0.2.7'));
  const trying = createResponse(m, 100);
  assert.equal(trying.to.tag, undefined, 'no tag on 100');
  assert.deepEqual(trying.raw('timestamp'), ['54']);
  const ok = createResponse(m, 200, { toTag: 'xyz' });
  assert.equal(ok.reason, 'OK');
  assert.equal(ok.to.tag, 'xyz');
  assert.equal(ok.topVia.received, '192.0.2.7');
  assert.equal(ok.callId, m.callId);
  assert.deepEqual(ok.cseq, m.cseq);
  assert.equal(ok.has('timestamp'), false);
  const reparsed = parseMessage(ok.toBuffer());
  assert.ok(!reparsed.isRequest);
  assert.equal(reparsed.status, 200);
});

test('a derived message keeps the parsed values of the headers it did not change, and only those', () => {
  const m = parseMessage(invite().toBuffer());
  assert.ok(m.isRequest);
  const from = m.from;
  const stamped = m.withTopVia(m.topVia.withReceived('192.0.2.7'));
  assert.equal(stamped.from, from, 'From is not parsed again');
  assert.equal(stamped.topVia.received, '192.0.2.7');
  assert.equal(stamped.withUri(sipUri({ host: 'example.com' })).from, from);
  const renamed = stamped.withRawHeader('from', ['<sip:carol@chicago.com>;tag=9']);
  assert.equal(renamed.from.uri.kind === 'sip' && renamed.from.uri.user, 'carol');
  assert.equal(renamed.appendRawHeader('From', '<sip:x@y>').header('from').length, 2);
  const ok = createResponse(stamped, 200, { toTag: 'xyz' });
  assert.equal(ok.cseq, stamped.cseq, "the response starts with the request's values");
  assert.equal(ok.topVia, stamped.topVia);
  assert.equal(ok.to.tag, 'xyz');
  assert.deepEqual(parseMessage(ok.toBuffer()).header('via'), ok.header('via'));
});

test('limits: size, header count, header length, URI length', () => {
  const bytes = invite().toBuffer();
  const reason = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof SipParseError);
      return [e.reason, e.status];
    }
    return undefined;
  };
  assert.deepEqual(
    reason(() => parseMessage(bytes, { maxMessageBytes: 100 })),
    ['too_large', 513],
  );
  assert.deepEqual(
    reason(() => parseMessage(bytes, { maxHeaders: 3 })),
    ['too_many_headers', 400],
  );
  assert.deepEqual(
    reason(() => parseMessage(bytes, { maxHeaderLineBytes: 30 })),
    ['header_too_long', 400],
  );
  assert.deepEqual(
    reason(() => parseMessage(bytes, { maxUriLength: 10 })),
    ['uri_too_long', 400],
  );
  assert.deepEqual(
    reason(() => parseMessage(Buffer.from('\r\n\r\n'))),
    ['empty', 400],
  );
  assert.deepEqual(
    reason(() => parseMessage(bytes.subarray(0, 40))),
    ['unterminated_headers', 400],
  );
  const partial = (() => {
    try {
      parseMessage(bytes, { maxMessageBytes: 200 });
    } catch (e) {
      return e instanceof SipParseError ? e.partial : undefined;
    }
    return undefined;
  })();
  assert.equal(partial?.kind, 'request');
  assert.equal(partial?.via.length, 1);
});

test('stream framer: Content-Length framing, keep-alives, errors', () => {
  const bytes = invite().toBuffer();
  const framer = new SipStreamFramer();
  const events = framer.push(
    Buffer.concat([Buffer.from('\r\n\r\n'), bytes, bytes.subarray(0, 20)]),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['keepalive', 'message'],
  );
  assert.equal(framer.buffered, 20);
  assert.deepEqual(
    framer.push(bytes.subarray(20)).map((e) => e.type),
    ['message'],
  );

  const client = new SipStreamFramer({ role: 'client' });
  assert.deepEqual(client.push(Buffer.from('\r\n')), [{ type: 'keepalive', kind: 'pong' }]);

  const noLength = Buffer.from(
    bytes.toString('latin1').replace(/Content-Length: 5\r\n/, ''),
    'latin1',
  );
  const broken = new SipStreamFramer();
  const [e] = broken.push(noLength);
  assert.ok(e?.type === 'error' && e.fatal && e.error.reason === 'missing_content_length');
  assert.deepEqual(broken.push(bytes), [], 'a failed stream stays failed');

  const bad = Buffer.from(
    bytes.toString('latin1').replace('CSeq: 314159 INVITE', 'CSeq: x INVITE'),
    'latin1',
  );
  const tolerant = new SipStreamFramer();
  const evs = tolerant.push(Buffer.concat([bad, bytes]));
  assert.deepEqual(
    evs.map((x) => (x.type === 'error' ? `error:${x.fatal}` : x.type)),
    ['error:false', 'message'],
  );

  const big = new SipStreamFramer({ limits: { maxMessageBytes: 64 } });
  const [tooBig] = big.push(bytes);
  assert.ok(tooBig?.type === 'error' && tooBig.error.reason === 'too_large');
});

test('line folding becomes one space, however much whitespace surrounds it; bare CR is refused', () => {
  const head = (extra: string) =>
    Buffer.from(
      `OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n${extra}\r\n\r\n`,
    );
  const folded = parseMessage(head(`X-A: a${' '.repeat(6000)}\r\n \t b\r\n\tc`));
  assert.deepEqual(folded.raw('x-a'), ['a b c']);
  assert.throws(
    () => parseMessage(head('X-A: a\rInjected: b')),
    (e) => e instanceof SipParseError && e.reason === 'bad_header',
  );
});
