import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecretBoxKey, SecretBox } from '../../crypto/secret-box.ts';
import {
  openPendingLogin,
  sealPendingLogin,
  stateTag,
  taggedState,
  tagOf,
  type PendingOidcLogin,
} from './pending-oidc-login.ts';

test('the state names the area or the re-authentication it was started for, and nothing else passes as one', () => {
  assert.equal(stateTag(taggedState('console', 'r4nd0m')), 'console');
  assert.equal(stateTag(taggedState('app', 'r4nd0m')), 'app');
  assert.equal(stateTag(taggedState('reauth', 'r4nd0m')), 'reauth');
  for (const bad of ['forged', '.console', 'admin.x', 'Console.x', 'Reauth.x', '', null])
    assert.equal(stateTag(bad), null, String(bad));
  // A re-authentication's tag is its own whatever the session's area; a link's is the area.
  assert.equal(tagOf({ intent: 'reauth', area: 'console' }), 'reauth');
  assert.equal(tagOf({ intent: 'link', area: 'app' }), 'app');
  assert.equal(tagOf({ intent: 'login', area: 'console' }), 'console');
});

const box = new SecretBox(generateSecretBoxKey(), 'sso-pending-login');

function pendingOf(over: Partial<PendingOidcLogin>): PendingOidcLogin {
  return {
    providerId: 'p1',
    tenantId: 't1',
    state: taggedState('console', 'x'),
    nonce: 'n',
    codeVerifier: 'v',
    intent: 'login',
    userId: null,
    sessionId: null,
    area: 'console',
    startedAt: 500,
    expiresAt: 2_000,
    ...over,
  };
}

test('the sealed login keeps its area; a cookie naming none is refused', () => {
  const pending = pendingOf({});
  assert.equal(openPendingLogin(box, sealPendingLogin(box, pending), 'p1', 1_000).area, 'console');
  const { area: _area, ...older } = pending;
  const sealed = box.seal(JSON.stringify(older), 'oidc-pending:p1');
  assert.throws(() => openPendingLogin(box, sealed, 'p1', 1_000), /names no area/);
});

test('a sealed re-authentication names its session and user, or it is refused', () => {
  const pending = pendingOf({
    state: taggedState('reauth', 'x'),
    intent: 'reauth',
    userId: 'u1',
    sessionId: 's1',
    area: 'app',
  });
  const opened = openPendingLogin(box, sealPendingLogin(box, pending), 'p1', 1_000);
  assert.equal(opened.sessionId, 's1');
  assert.equal(opened.userId, 'u1');
  const { sessionId: _s, ...noSession } = pending;
  const sealed = box.seal(JSON.stringify(noSession), 'oidc-pending:p1');
  assert.throws(() => openPendingLogin(box, sealed, 'p1', 1_000), /names no session/);
});
