import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameMessage } from './framing.ts';

test('octet counting prefixes the byte length and a space (RFC 5425 §4.3, RFC 6587 §3.4.1)', () => {
  assert.equal(
    frameMessage('<84>1 - - - - - - x', 'octet-counting').toString(),
    '19 <84>1 - - - - - - x',
  );
  // Bytes, not characters: ü is two octets.
  assert.deepEqual(frameMessage('\u00fc', 'octet-counting'), Buffer.from([0x32, 0x20, 0xc3, 0xbc]));
});

test('non-transparent framing ends each message with LF (RFC 6587 §3.4.2)', () => {
  assert.equal(frameMessage('abc', 'lf').toString(), 'abc\n');
});
