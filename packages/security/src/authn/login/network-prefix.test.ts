import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkPrefix } from './network-prefix.ts';

test('IPv4 /24 and IPv6 /64 by default, other prefixes on request', () => {
  assert.equal(networkPrefix('192.0.2.77'), '192.0.2.0/24');
  assert.equal(networkPrefix('::ffff:192.0.2.77'), '192.0.2.0/24');
  assert.equal(networkPrefix('192.0.2.77', 16), '192.0.0.0/16');
  assert.equal(networkPrefix('192.0.2.77', 32), '192.0.2.77/32');
  assert.equal(networkPrefix('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2:0:0:0:0/64');
  assert.equal(networkPrefix('2001:db8::1'), '2001:db8:0:0:0:0:0:0/64');
  assert.equal(networkPrefix('2001:db8:ffff::1', 56, 40), '2001:db8:ff00:0:0:0:0:0/40');
  assert.notEqual(networkPrefix('192.0.2.1'), networkPrefix('192.0.3.1'));
});
