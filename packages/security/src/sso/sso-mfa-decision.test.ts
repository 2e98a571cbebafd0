import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideSsoMfa } from './sso-mfa-decision.ts';

const trusted = { trustIdpMfa: true, mfaAcrValues: ['possessionorinherence'] };
const untrusted = { trustIdpMfa: false, mfaAcrValues: ['possessionorinherence'] };

test('no MFA rule: nothing to ask', () => {
  assert.deepEqual(decideSsoMfa({ mfaRequired: false, amr: [], acr: null, trust: untrusted }), {
    result: 'not-required',
  });
});

test('a trusted provider asserting a second factor satisfies the rule', () => {
  assert.deepEqual(
    decideSsoMfa({ mfaRequired: true, amr: ['pwd', 'mfa'], acr: null, trust: trusted }),
    {
      result: 'satisfied-by-idp',
      evidence: 'amr:mfa',
    },
  );
  assert.deepEqual(
    decideSsoMfa({ mfaRequired: true, amr: ['hwk'], acr: null, trust: trusted }).result,
    'satisfied-by-idp',
  );
  assert.deepEqual(
    decideSsoMfa({ mfaRequired: true, amr: [], acr: 'possessionorinherence', trust: trusted }),
    { result: 'satisfied-by-idp', evidence: 'acr:possessionorinherence' },
  );
});

test('password only, an unlisted acr or an untrusted provider: ask our own factor', () => {
  assert.equal(
    decideSsoMfa({ mfaRequired: true, amr: ['pwd'], acr: '1', trust: trusted }).result,
    'ask-local-factor',
  );
  assert.equal(
    decideSsoMfa({
      mfaRequired: true,
      amr: ['mfa'],
      acr: 'possessionorinherence',
      trust: untrusted,
    }).result,
    'ask-local-factor',
  );
  assert.equal(
    decideSsoMfa({ mfaRequired: true, amr: ['MFA'], acr: null, trust: trusted }).result,
    'ask-local-factor',
  );
});
