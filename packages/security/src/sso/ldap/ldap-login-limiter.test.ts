import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, isPalisadeError } from '@palisade/common';
import { MemoryLoginLimiter } from './ldap-login-limiter.ts';

const limited = (e: unknown) => isPalisadeError(e, 'rate_limited');

test('holds a (name, address) after 5 failures for the window; other sources are not locked out', () => {
  const clock = new FakeClock(1_000_000);
  const l = new MemoryLoginLimiter(clock);
  for (let i = 0; i < 5; i++) {
    l.check('alice', '192.0.2.1');
    l.failure('alice', '192.0.2.1');
  }
  assert.throws(() => l.check('alice', '192.0.2.1'), limited);
  l.check('alice', '192.0.2.2');
  clock.advance(15 * 60_000 + 1);
  l.check('alice', '192.0.2.1');
});

test('holds an address spraying many names; a success clears the name', () => {
  const clock = new FakeClock(0);
  const l = new MemoryLoginLimiter(clock, {
    windowMs: 1000,
    maxPerKey: 3,
    maxPerAddress: 4,
    maxEntries: 100,
  });
  l.failure('a', 'x');
  l.failure('a', 'x');
  l.success('a', 'x');
  l.check('a', 'x');
  l.failure('b', 'x');
  l.failure('c', 'x');
  assert.throws(() => l.check('d', 'x'), limited);
});

test('stays bounded', () => {
  const l = new MemoryLoginLimiter(new FakeClock(0), {
    windowMs: 1000,
    maxPerKey: 3,
    maxPerAddress: 3,
    maxEntries: 10,
  });
  for (let i = 0; i < 100; i++) l.failure(`n${i}`, `a${i}`);
  l.check('n0', 'a0');
});
