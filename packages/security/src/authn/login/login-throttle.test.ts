import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD_POLICY_PRESETS } from '../password-policy/password-policy.ts';
import {
  accountKeyOf,
  DEFAULT_THROTTLE_POLICY,
  delayAfter,
  throttleFor,
} from './login-throttle.ts';

test('the wait starts after the free failures and doubles up to the cap', () => {
  const p = DEFAULT_THROTTLE_POLICY;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((n) => delayAfter(n, p)),
    [0, 0, 0, 1_000, 2_000, 4_000, 8_000],
  );
  assert.equal(delayAfter(99, p), p.maxDelayMs);
});

test('presets: vendor-compat locks a (user, address) pair after 3 failures for an hour; the hard cap stays 100', () => {
  const vendor = throttleFor(PASSWORD_POLICY_PRESETS['vendor-compat'].lockout);
  assert.equal(vendor.lockAfter, 3);
  assert.equal(vendor.lockMs, 3_600_000);
  assert.equal(vendor.accountHardCap, 100);
  const standards = throttleFor(PASSWORD_POLICY_PRESETS.standards.lockout);
  assert.equal(standards.lockAfter, 100);
});

test('account keys: tenant and the name as typed, case and width folded', () => {
  assert.equal(accountKeyOf('t1', 'Alice'), accountKeyOf('t1', 'alice'));
  assert.equal(accountKeyOf('t1', 'ａｌｉｃｅ'), accountKeyOf('t1', 'alice'));
  assert.notEqual(accountKeyOf('t1', 'alice'), accountKeyOf('t2', 'alice'));
  assert.ok(accountKeyOf('t', 'x'.repeat(1000)).length <= 300);
});
