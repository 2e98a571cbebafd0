import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SeqCounter } from './seq-counter.ts';

test('seq continues after a clean restart and never repeats after a crash', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-seq-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = new SeqCounter(dir);
  assert.deepEqual([first.next(), first.next(), first.next()], [1, 2, 3]);
  first.close();
  first.close();
  const second = new SeqCounter(dir);
  assert.equal(second.next(), 4);
  // No close: as after a crash. The next run starts past the reserved block.
  const third = new SeqCounter(dir);
  const resumed = third.next();
  assert.ok(resumed > 4, `resumed at ${resumed}`);
  third.close();
});

test('a sequence file that cannot be written is reported, and counting goes on', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-seq-'));
  const errors: unknown[] = [];
  const counter = new SeqCounter(join(dir, 'syslog'), (err) => errors.push(err));
  rmSync(dir, { recursive: true, force: true });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual([counter.next(), counter.next()], [1, 2]);
  assert.equal(errors.length, 1);
});
