import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlidingWindowCounter } from './sliding-window.ts';

test('more than `limit` inside the window fires; spread out it does not', () => {
  const w = new SlidingWindowCounter({ limit: 16, windowMs: 2000, maxKeys: 10 });
  for (let i = 0; i < 16; i++) assert.equal(w.hit('a', i * 10), false);
  assert.equal(w.hit('a', 170), true, 'the 17th within 2 s');
  const slow = new SlidingWindowCounter({ limit: 16, windowMs: 2000, maxKeys: 10 });
  for (let i = 0; i < 100; i++) assert.equal(slow.hit('b', i * 130), false, `hit ${i}`);
});

test('the window slides: old hits stop counting', () => {
  const w = new SlidingWindowCounter({ limit: 2, windowMs: 1000, maxKeys: 10 });
  w.hit('a', 0);
  w.hit('a', 500);
  assert.equal(w.hit('a', 1000), false, 'the first fell out');
  assert.equal(w.hit('a', 1001), true);
  assert.equal(w.count('a', 1001), 3);
  assert.equal(w.count('a', 5000), 0);
});

test('weights count as several hits; limit 0 fires at once', () => {
  const w = new SlidingWindowCounter({ limit: 5, windowMs: 1000, maxKeys: 10 });
  assert.equal(w.hit('a', 0, 5), false);
  assert.equal(w.hit('a', 1, 1), true);
  const first = new SlidingWindowCounter({ limit: 0, windowMs: 1000, maxKeys: 10 });
  assert.equal(first.hit('x', 0), true);
});

test('memory is bounded: the least recently used key goes first', () => {
  const w = new SlidingWindowCounter({ limit: 1, windowMs: 1000, maxKeys: 3 });
  w.hit('a', 0);
  w.hit('b', 0);
  w.hit('c', 0);
  w.hit('a', 1); // a is now the most recent
  w.hit('d', 2);
  assert.equal(w.size, 3);
  assert.equal(w.count('b', 3), 0, 'b was forgotten');
  assert.equal(w.count('a', 3), 2);
});

test('keys are independent; reset forgets one', () => {
  const w = new SlidingWindowCounter({ limit: 1, windowMs: 1000, maxKeys: 10 });
  w.hit('a', 0);
  assert.equal(w.hit('b', 0), false);
  assert.equal(w.hit('a', 1), true);
  w.reset('a');
  assert.equal(w.hit('a', 2), false);
  assert.throws(() => new SlidingWindowCounter({ limit: -1, windowMs: 1, maxKeys: 1 }), RangeError);
});
