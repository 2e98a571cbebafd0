import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '@palisade/common';
import { ChallengeStore } from './challenge-store.ts';

test('challenges are 32 random bytes, single use, bound to a session and purpose, and expire', () => {
  const clock = new FakeClock();
  const store = new ChallengeStore(clock, 1000, 3);
  const a = store.issue('s1', 'register');
  assert.equal(a.bytes.length, 32);
  assert.equal(Buffer.from(a.encoded, 'base64url').length, 32);
  assert.equal(store.consume(a.encoded, 's1', 'register'), true);
  assert.equal(store.consume(a.encoded, 's1', 'register'), false, 'single use');
  const b = store.issue('s1', 'register');
  assert.equal(store.consume(b.encoded, 's2', 'register'), false, 'another session');
  assert.equal(store.consume(b.encoded, 's1', 'register'), false, 'gone after a wrong use');
  const c = store.issue('s1', 'login');
  assert.equal(store.consume(c.encoded, 's1', 'register'), false, 'another purpose');
  const d = store.issue('s1', 'login');
  clock.advance(1000);
  assert.equal(store.consume(d.encoded, 's1', 'login'), false, 'expired');
  const old = store.issue('s', 'login');
  for (let i = 0; i < 3; i++) store.issue('s', 'login');
  assert.equal(store.consume(old.encoded, 's', 'login'), false, 'bounded: the oldest went');
});
