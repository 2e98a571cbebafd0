import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPalisadeError } from '@palisade/common';
import { normalizeAddress } from './normalize-address.ts';
import { TrustedNetworks } from './trusted-networks.ts';

test('IPv4 and IPv6 networks, bare addresses, IPv4-mapped IPv6', () => {
  const t = new TrustedNetworks(['10.0.0.0/8', '192.0.2.7', '2001:db8:1::/48']);
  assert.equal(t.has('10.1.2.3'), true);
  assert.equal(t.has('::ffff:10.1.2.3'), true);
  assert.equal(t.has('11.0.0.1'), false);
  assert.equal(t.has('192.0.2.7'), true);
  assert.equal(t.has('192.0.2.8'), false);
  assert.equal(t.has('2001:DB8:1:ffff::1'), true);
  assert.equal(t.has('2001:db8:2::1'), false);
  assert.equal(t.has('not an address'), false);
  assert.equal(new TrustedNetworks().has('127.0.0.1'), false);
});

test('refuses what is not CIDR', () => {
  for (const bad of ['10.0.0.0/33', '10.0.0.0/x', 'example.com', '::/129', '1.2.3.4/8/8'])
    assert.throws(
      () => new TrustedNetworks([bad]),
      (e) => isPalisadeError(e, 'validation_failed'),
      bad,
    );
});

test('addresses have one spelling', () => {
  assert.equal(normalizeAddress('::FFFF:127.0.0.2'), '127.0.0.2');
  assert.equal(normalizeAddress('::ffff:7f00:2'), '127.0.0.2');
  assert.equal(normalizeAddress('[2001:DB8:0:0::0001]'), '2001:db8::1');
  assert.equal(normalizeAddress('fe80::1%eth0'), 'fe80::1');
  assert.equal(normalizeAddress('127.0.0.3'), '127.0.0.3');
});
