import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import { PortAllocator } from './port-allocator.ts';

test('even ports from the range, rotating, then overloaded', () => {
  const ports = new PortAllocator(30001, 30008);
  assert.equal(ports.free, 3);
  const got = [ports.allocate(), ports.allocate(), ports.allocate()];
  assert.deepEqual(got, [30002, 30004, 30006]);
  assert.throws(
    () => ports.allocate(),
    (e: unknown) => isPalisadeError(e, 'overloaded'),
  );
  ports.release(30004);
  ports.release(30004); // twice is harmless
  ports.release(12345); // foreign ports are ignored
  assert.equal(ports.free, 1);
  assert.equal(ports.allocate(), 30004);
});

test('a freed port is not handed out again at once', () => {
  const ports = new PortAllocator(30000, 30009);
  const first = ports.allocate();
  ports.release(first);
  assert.notEqual(ports.allocate(), first);
});

test('a range without room for a pair is a configuration error', () => {
  assert.throws(
    () => new PortAllocator(30000, 30000),
    (e: unknown) => isPalisadeError(e, 'config_invalid'),
  );
  assert.throws(
    () => new PortAllocator(80, 90),
    (e: unknown) => isPalisadeError(e, 'config_invalid'),
  );
});
