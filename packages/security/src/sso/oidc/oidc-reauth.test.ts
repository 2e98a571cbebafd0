import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecretBoxKey, SecretBox } from '../../crypto/secret-box.ts';
import { ssoFailureReason } from '../sso-failure.ts';
import {
  AUTH_TIME_SKEW_MS,
  authTimeVerdict,
  openReauthProof,
  REAUTH_MAX_AGE_MS,
  sealReauthProof,
  type SsoReauthProof,
} from './oidc-reauth.ts';

const started = 1_700_000_000_500;
const now = started + 40_000;
const s = (ms: number) => ms / 1000;

test('auth_time: an authentication after the start and within the window is fresh', () => {
  assert.equal(authTimeVerdict(s(started + 20_000), started, now), 'fresh');
  // Whole seconds: the second the flow began counts as after it.
  assert.equal(authTimeVerdict(Math.floor(s(started)), started, now), 'fresh');
  assert.equal(authTimeVerdict(s(now + AUTH_TIME_SKEW_MS), started, now), 'fresh');
});

test('auth_time: missing, older than the window, before the start, or in the future is refused', () => {
  for (const missing of [undefined, null, '1700000000', Number.NaN, Infinity])
    assert.equal(authTimeVerdict(missing, started, now), 'missing', String(missing));
  // Within the window but before the re-authentication began: the IdP did not ask again.
  assert.equal(authTimeVerdict(s(started - 60_000), started, now), 'before-start');
  assert.equal(
    authTimeVerdict(s(started - AUTH_TIME_SKEW_MS - 2_000), started, now),
    'before-start',
  );
  assert.equal(authTimeVerdict(s(now - REAUTH_MAX_AGE_MS - 1_000), started, now), 'too-old');
  // A flow left open at the IdP for longer than the window.
  const late = started + REAUTH_MAX_AGE_MS + 60_000;
  assert.equal(authTimeVerdict(s(started + 1_000), started, late), 'too-old');
  assert.equal(authTimeVerdict(s(now + AUTH_TIME_SKEW_MS + 5_000), started, now), 'in-future');
});

test('a re-authentication proof opens only for its own session, unexpired and untouched', () => {
  const box = new SecretBox(generateSecretBoxKey(), 'sso-pending-login');
  const proof: SsoReauthProof = {
    sessionId: 's1',
    userId: 'u1',
    tenantId: 't1',
    providerId: 'p1',
    identityId: 'i1',
    authTime: now - 1_000,
    idpMfaEvidence: null,
    verifiedAt: now,
    expiresAt: now + 60_000,
  };
  const sealed = sealReauthProof(box, proof);
  assert.deepEqual(openReauthProof(box, sealed, 's1', now), proof);
  const reason = (work: () => unknown) => {
    try {
      work();
      return null;
    } catch (err) {
      return ssoFailureReason(err);
    }
  };
  assert.equal(
    reason(() => openReauthProof(box, sealed, 's2', now)),
    'session-mismatch',
  );
  const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  assert.equal(
    reason(() => openReauthProof(box, flipped, 's1', now)),
    'session-mismatch',
  );
  assert.equal(
    reason(() => openReauthProof(box, sealed, 's1', now + 60_000)),
    'stale-authentication',
  );
});
