import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NC_WINDOW, NonceCountTracker } from './nonce-count-tracker.ts';

const T = 1_000_000;
const EXP = T + 300_000;

test('each nc is accepted once; out-of-order within the window passes', () => {
  const t = new NonceCountTracker(10);
  assert.equal(t.accept('n', 1, T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 1, T, EXP, T), 'replay');
  assert.equal(t.accept('n', 3, T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 2, T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 2, T, EXP, T), 'replay');
  assert.equal(t.accept('n', 3, T, EXP, T), 'replay');
  assert.equal(t.accept('other', 1, T, EXP, T), 'accepted');
});

test('nc older than the window is a replay; a big jump resets the window', () => {
  const t = new NonceCountTracker(10);
  assert.equal(t.accept('n', 1, T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 1 + NC_WINDOW + 5, T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 2, T, EXP, T), 'replay');
  assert.equal(t.accept('n', 1 + NC_WINDOW + 5 - (NC_WINDOW - 1), T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 0xffffffff, T, EXP, T), 'accepted');
  assert.equal(t.accept('n', 0xffffffff, T, EXP, T), 'replay');
});

test('bounded: expired entries go first, then the LRU one, whose nonce is then forgotten', () => {
  const t = new NonceCountTracker(2);
  t.accept('old', 1, T, T + 10, T);
  t.accept('a', 1, T + 1, EXP, T + 1);
  // 'old' has expired by now: it is swept, nothing live is evicted.
  assert.equal(t.accept('b', 1, T + 2, EXP, T + 20), 'accepted');
  assert.equal(t.size, 2);
  // Full of live entries: 'a' (least recently used) goes, and its issue time
  // becomes the watermark.
  assert.equal(t.accept('c', 1, T + 3, EXP, T + 21), 'accepted');
  assert.equal(t.size, 2);
  assert.equal(t.accept('a', 2, T + 1, EXP, T + 22), 'forgotten');
  assert.equal(t.accept('a', 1, T + 1, EXP, T + 22), 'forgotten');
  // A nonce issued after the watermark is still welcome.
  assert.equal(t.accept('d', 1, T + 4, EXP, T + 23), 'accepted');
  assert.ok(t.size <= 2);
});
