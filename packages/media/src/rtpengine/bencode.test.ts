import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bdecode, bencode } from './bencode.ts';

test('encodes with sorted keys and decodes back', () => {
  const value = { sdp: 'v=0\r\n', command: 'offer', flags: ['strict-source'], n: -3, é: 'ü' };
  const wire = bencode(value);
  assert.equal(
    wire.toString('utf8'),
    'd7:command5:offer5:flagsl13:strict-sourcee1:ni-3e3:sdp5:v=0\r\n2:é2:üe',
  );
  assert.deepEqual({ ...(bdecode(wire) as object) }, value);
});

test('malformed, truncated and oversized input is refused', () => {
  for (const bad of [
    'd3:abc',
    'i01e',
    'i-0e',
    'l',
    '5:abc',
    'di1e1:ae',
    'x',
    '1:ab',
    'de1:a',
    '4294967296:x',
  ]) {
    assert.throws(() => bdecode(Buffer.from(bad)), /bencode/, bad);
  }
  assert.throws(() => bdecode(Buffer.from('l'.repeat(40) + 'e'.repeat(40))), /deep/);
  assert.throws(() => bdecode(Buffer.alloc(100, 0x30), 10), /too large/);
});
