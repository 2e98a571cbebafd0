import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localLoginDecision } from './sso-local-login-policy.ts';

test('SSO only refuses the local password, except break-glass admins', () => {
  assert.equal(
    localLoginDecision({ ssoOnly: false, isAdmin: false, breakGlassLocalAdmin: false }),
    'allowed',
  );
  assert.equal(
    localLoginDecision({ ssoOnly: true, isAdmin: false, breakGlassLocalAdmin: true }),
    'sso-only',
  );
  assert.equal(
    localLoginDecision({ ssoOnly: true, isAdmin: true, breakGlassLocalAdmin: false }),
    'sso-only',
  );
  assert.equal(
    localLoginDecision({ ssoOnly: true, isAdmin: true, breakGlassLocalAdmin: true }),
    'break-glass',
  );
});
