import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './clock.ts';

test('FakeClock fires timers in due order, including ones scheduled while firing', () => {
  const clock = new FakeClock(1_000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b'), 200);
  clock.setTimeout(() => {
    fired.push('a');
    clock.setTimeout(() => fired.push('c'), 150);
  }, 100);
  const cancelled = clock.setTimeout(() => fired.push('never'), 50);
  cancelled.cancel();
  clock.advance(199);
  assert.deepEqual(fired, ['a']);
  clock.advance(100);
  assert.deepEqual(fired, ['a', 'b', 'c']);
  assert.equal(clock.now(), 1_299);
  assert.equal(clock.monotonic(), 299);
  assert.equal(clock.pendingTimers, 0);
});
