import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import {
  definePasswordPolicy,
  isPasswordExpired,
  nistDepartures,
  PASSWORD_POLICY_PRESETS,
} from './password-policy.ts';

test('presets: standards follows NIST, vendor-compat does not and says why', () => {
  const s = PASSWORD_POLICY_PRESETS.standards;
  assert.equal(s.minLength, 15);
  assert.equal(s.minLengthWithMfa, 12);
  assert.ok(s.maxLength >= 64);
  assert.equal(s.maxAgeDays, null);
  assert.deepEqual(nistDepartures(s), []);
  const v = PASSWORD_POLICY_PRESETS['vendor-compat'];
  assert.deepEqual(
    [v.minLength, v.requireUppercase, v.requireDigit, v.requireSpecial, v.maxAgeDays],
    [12, true, true, true, 180],
  );
  assert.deepEqual(v.lockout, { maxFailures: 3, lockMinutes: 60 });
  assert.deepEqual(nistDepartures(v), [
    'minimum length below 15 characters',
    'composition rules (NIST says not to require character classes)',
    'periodic expiry (NIST says to require a change only on compromise)',
  ]);
});

test('definePasswordPolicy: overrides make it custom; bad knobs are named', () => {
  const p = definePasswordPolicy('standards', { minLength: 20 });
  assert.equal(p.preset, 'custom');
  assert.equal(p.minLength, 20);
  assert.equal(definePasswordPolicy('vendor-compat').preset, 'vendor-compat');
  for (const [overrides, knob] of [
    [{ maxLength: 32 }, 'maxLength'],
    [{ maxLength: 1000 }, 'maxLength'],
    [{ minLength: 0 }, 'minLength'],
    [{ minLength: 200 }, 'minLength'],
    [{ minLengthWithMfa: 1.5 }, 'minLengthWithMfa'],
    [{ maxAgeDays: 0 }, 'maxAgeDays'],
    [{ lockout: { maxFailures: 0, lockMinutes: 5 } }, 'lockout'],
    [{ blocklist: 'yes' as unknown as boolean }, 'blocklist'],
  ] as const) {
    assert.throws(
      () => definePasswordPolicy('standards', overrides),
      (e) => isPalisadeError(e, 'config_invalid') && e.details?.knob === knob,
    );
  }
});

test('isPasswordExpired: never under standards, after 180 days under vendor-compat', () => {
  const day = 86_400_000;
  assert.equal(isPasswordExpired(PASSWORD_POLICY_PRESETS.standards, 0, 10_000 * day), false);
  const v = PASSWORD_POLICY_PRESETS['vendor-compat'];
  assert.equal(isPasswordExpired(v, 0, 179 * day), false);
  assert.equal(isPasswordExpired(v, 0, 180 * day), true);
});
