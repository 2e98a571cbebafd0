import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageRate } from './message-rate.ts';

test('a burst of perSecond passes, the next is refused, and time refills the bucket', () => {
  let now = 0;
  const rate = new MessageRate(5, () => now);
  for (let i = 0; i < 5; i++) assert.equal(rate.take(), true, `message ${i}`);
  assert.equal(rate.take(), false);
  now += 200; // one token back
  assert.equal(rate.take(), true);
  assert.equal(rate.take(), false);
  now += 10_000; // never more than one burst saved up
  for (let i = 0; i < 5; i++) assert.equal(rate.take(), true);
  assert.equal(rate.take(), false);
});

test('a steady rate at the cap is never refused', () => {
  let now = 0;
  const rate = new MessageRate(10, () => now);
  for (let i = 0; i < 100; i++) {
    assert.equal(rate.take(), true, `message ${i}`);
    now += 100;
  }
});
