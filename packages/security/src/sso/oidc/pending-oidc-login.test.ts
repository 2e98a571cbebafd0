import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecretBoxKey, SecretBox } from '../../crypto/secret-box.ts';
import {
  areaState,
  openPendingLogin,
  sealPendingLogin,
  stateArea,
  type PendingOidcLogin,
} from './pending-oidc-login.ts';

test('the state names the area it was started for, and nothing else passes as one', () => {
  assert.equal(stateArea(areaState('console', 'r4nd0m')), 'console');
  assert.equal(stateArea(areaState('app', 'r4nd0m')), 'app');
  for (const bad of ['forged', '.console', 'admin.x', 'Console.x', '', null])
    assert.equal(stateArea(bad), null, String(bad));
});

test('the sealed login keeps its area; a cookie naming none is refused', () => {
  const box = new SecretBox(generateSecretBoxKey(), 'sso-pending-login');
  const pending: PendingOidcLogin = {
    providerId: 'p1',
    tenantId: 't1',
    state: areaState('console', 'x'),
    nonce: 'n',
    codeVerifier: 'v',
    intent: 'login',
    userId: null,
    area: 'console',
    expiresAt: 2_000,
  };
  assert.equal(openPendingLogin(box, sealPendingLogin(box, pending), 'p1', 1_000).area, 'console');
  const { area: _area, ...older } = pending;
  const sealed = box.seal(JSON.stringify(older), 'oidc-pending:p1');
  assert.throws(() => openPendingLogin(box, sealed, 'p1', 1_000), /names no area/);
});
