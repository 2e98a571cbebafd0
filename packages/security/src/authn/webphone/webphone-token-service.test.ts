import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@palisade/common';
import { computeHa1 } from '../digest/digest-algorithm.ts';
import { WebphoneTokenService, WEBPHONE_USERNAME_PREFIX } from './webphone-token-service.ts';

const input = { userId: 'u1', sessionId: 's1', deviceId: 'd1', realm: 'PBX.test' };

test('a minted credential is found by its username until it expires, with the HA1 of its password', () => {
  const clock = new FakeClock(1_000);
  const s = new WebphoneTokenService({ clock, ttlMs: 60_000 });
  const c = s.mint(input);
  assert.ok(c);
  assert.ok(c.username.startsWith(WEBPHONE_USERNAME_PREFIX));
  assert.ok(c.password.length >= 32);
  assert.equal(c.expiresAt, 61_000);
  const g = s.find(c.username, 'pbx.test');
  assert.ok(g);
  assert.equal(g.deviceId, 'd1');
  assert.equal(g.ha1Sha256, computeHa1('SHA-256', c.username, 'pbx.test', c.password));
  assert.equal(g.ha1Md5, computeHa1('MD5', c.username, 'pbx.test', c.password));
  assert.equal(s.find(c.username, 'other.test'), null, 'bound to its realm');
  assert.equal(s.find('wp-unknown', 'pbx.test'), null);
  assert.equal(s.find('alice', 'pbx.test'), null);
  clock.advance(59_999);
  assert.ok(s.find(c.username, 'pbx.test'));
  clock.advance(1);
  assert.equal(s.find(c.username, 'pbx.test'), null, 'expired');
});

test('each mint is fresh; a user keeps at most maxPerUser; revokeUser drops them all', () => {
  const s = new WebphoneTokenService({ clock: new FakeClock(0), maxPerUser: 2 });
  const a = s.mint(input)!;
  const b = s.mint(input)!;
  assert.notEqual(a.username, b.username);
  assert.notEqual(a.password, b.password);
  const c = s.mint(input)!;
  assert.equal(s.find(a.username, 'pbx.test'), null, 'the oldest was dropped');
  assert.ok(s.find(b.username, 'pbx.test'));
  assert.ok(s.find(c.username, 'pbx.test'));
  s.mint({ ...input, userId: 'u2' });
  assert.equal(s.revokeUser('u1'), 2);
  assert.equal(s.size, 1);
});

test('a full service refuses to mint until credentials expire', () => {
  const clock = new FakeClock(0);
  const s = new WebphoneTokenService({ clock, ttlMs: 1_000, maxTotal: 2 });
  assert.ok(s.mint({ ...input, userId: 'a' }));
  assert.ok(s.mint({ ...input, userId: 'b' }));
  assert.equal(s.mint({ ...input, userId: 'c' }), null);
  clock.advance(1_000);
  assert.ok(s.mint({ ...input, userId: 'c' }));
});

test('revokeSession drops one session’s credentials; revokeUser can keep one session’s', () => {
  const s = new WebphoneTokenService({ clock: new FakeClock(0) });
  const a = s.mint(input)!;
  const b = s.mint({ ...input, sessionId: 's2' })!;
  const c = s.mint({ ...input, sessionId: 's3' })!;
  const other = s.mint({ ...input, userId: 'u2', sessionId: 's9' })!;
  assert.equal(s.revokeSession('s1'), 1);
  assert.equal(s.find(a.username, 'pbx.test'), null);
  assert.ok(s.find(b.username, 'pbx.test'));
  assert.equal(s.revokeUser('u1', 's3'), 1);
  assert.equal(s.find(b.username, 'pbx.test'), null);
  assert.ok(s.find(c.username, 'pbx.test'), 'the kept session’s credential survives');
  assert.ok(s.find(other.username, 'pbx.test'), 'other users are untouched');
});
