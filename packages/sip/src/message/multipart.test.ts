import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { parseMessage } from './message-parser.ts';
import { parseMultipart } from './multipart.ts';

test('splits the RFC 4475 §3.1.1.11 multipart body into its parts', () => {
  const msg = parseMessage(
    readFileSync(new URL('../../../../tests/fixtures/rfc4475/mpart01.dat', import.meta.url)),
  );
  const boundary = msg.first('content-type')?.params.get('boundary');
  assert.ok(boundary);
  const parts = parseMultipart(msg.body, boundary);
  assert.equal(parts.length, 2);
  assert.equal(parts[0]?.contentType?.essence, 'text/plain');
  assert.equal(parts[0]?.body.toString(), 'Hello');
  assert.equal(parts[1]?.contentType?.essence, 'application/octet-stream');
  assert.equal(
    parts[1]?.headers.find((h) => h.name === 'content-transfer-encoding')?.value,
    'binary',
  );
  assert.ok((parts[1]?.body.length ?? 0) > 100);
});

test('parts without headers, preamble, and malformed bodies', () => {
  const ok = parseMultipart(
    Buffer.from(
      'preamble\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--b--\r\n',
    ),
    'b',
  );
  assert.deepEqual(
    ok.map((p) => [p.contentType?.essence, p.body.toString()]),
    [
      [undefined, 'x'],
      ['application/sdp', 'v=0\r\n'],
    ],
  );
  for (const bad of [
    'no boundary here',
    '--b\r\nx',
    '--b\r\n\r\nx',
    '--b\r\nNoColon\r\n\r\nx\r\n--b--',
  ]) {
    assert.throws(() => parseMultipart(Buffer.from(bad), 'b'), SipParseError, bad);
  }
  const many = `${'--b\r\n\r\nx\r\n'.repeat(20)}--b--`;
  assert.throws(() => parseMultipart(Buffer.from(many), 'b', 16), /too many parts/);
});
