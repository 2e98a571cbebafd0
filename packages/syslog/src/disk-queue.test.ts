import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock, nullLogger, type Logger } from '@palisade/common';
import { DiskQueue, type DiskQueueOptions } from './disk-queue.ts';
import type { FormattedMessage } from './rfc5424-format.ts';

const options: DiskQueueOptions = { maxBytes: 1_000_000, segmentBytes: 200, fsyncIntervalMs: 50 };

function message(seq: number): FormattedMessage {
  const head = `<84>1 - - - - - [palisade@32473 seq="${seq}"`;
  return { seq, line: `${head} outcome="failure"] msg ${seq}`, split: head.length };
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-queue-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const seqs = (q: DiskQueue): number[] => Array.from({ length: q.length }, (_, i) => q.at(i)!.seq);

test(
  'appends survive a restart, in order, marked as possibly resent',
  withDir(async (dir) => {
    const clock = new FakeClock();
    const q = DiskQueue.open(dir, options, clock, nullLogger);
    for (let s = 1; s <= 10; s++) q.append(message(s));
    assert.equal(q.at(0)!.resent, false);
    // Nothing reaches the disk before the batch timer fires.
    assert.deepEqual(readdirSync(dir), []);
    clock.advance(50);
    await q.flush();
    assert.ok(readdirSync(dir).filter((f) => f.endsWith('.seg')).length > 1, 'segments rotate');
    const again = DiskQueue.open(dir, options, clock, nullLogger);
    assert.deepEqual(seqs(again), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(again.at(0)!.resent && again.at(9)!.resent);
    assert.equal(again.at(3)!.line, message(4).line);
    await q.close();
    await again.close();
  }),
);

test(
  'confirmed records are gone after a restart and their segments deleted',
  withDir(async (dir) => {
    const q = DiskQueue.open(dir, options, new FakeClock(), nullLogger);
    for (let s = 1; s <= 10; s++) q.append(message(s));
    q.confirm(7);
    assert.deepEqual(seqs(q), [8, 9, 10]);
    await q.close();
    assert.equal(readFileSync(join(dir, 'cursor'), 'utf8'), '7\n');
    const segments = readdirSync(dir).filter((f) => f.endsWith('.seg'));
    assert.ok(
      segments.every((f) => Number(f.slice(0, 16)) > 1),
      'first segment deleted',
    );
    const again = DiskQueue.open(dir, options, new FakeClock(), nullLogger);
    assert.deepEqual(seqs(again), [8, 9, 10]);
    await again.close();
  }),
);

test(
  'a torn last line from a crash is ignored, and new appends go to a fresh segment',
  withDir(async (dir) => {
    const q = DiskQueue.open(dir, options, new FakeClock(), nullLogger);
    q.append(message(1));
    await q.close();
    const [segment] = readdirSync(dir).filter((f) => f.endsWith('.seg'));
    appendFileSync(join(dir, segment!), '2 30 <84>1 - - - - - [palisade@32473 seq="2"');
    const again = DiskQueue.open(dir, options, new FakeClock(), nullLogger);
    assert.deepEqual(seqs(again), [1]);
    again.append(message(3));
    await again.close();
    assert.deepEqual(seqs(DiskQueue.open(dir, options, new FakeClock(), nullLogger)), [1, 3]);
  }),
);

test(
  'when full, the oldest records are dropped and counted, with a warning',
  withDir(async (dir) => {
    const warnings: unknown[] = [];
    const logger: Logger = { ...nullLogger, warn: (msg, fields) => warnings.push({ msg, fields }) };
    const bytes = Buffer.byteLength(`1 ${message(1).split} ${message(1).line}\n`);
    const q = DiskQueue.open(dir, { ...options, maxBytes: bytes * 4 + 2 }, new FakeClock(), logger);
    let dropped = 0;
    for (let s = 1; s <= 9; s++) dropped += q.append(message(s));
    assert.equal(dropped, 5);
    assert.deepEqual(seqs(q), [6, 7, 8, 9]);
    assert.ok(q.stats().queuedBytes <= bytes * 4 + 2);
    assert.equal(q.stats().dropped, 5);
    assert.equal(warnings.length, 1);
    await q.close();
    const again = DiskQueue.open(dir, options, new FakeClock(), nullLogger);
    assert.deepEqual(seqs(again), [6, 7, 8, 9]);
    await again.close();
  }),
);

test(
  'markResent flags the oldest records only; close is idempotent',
  withDir(async (dir) => {
    const q = DiskQueue.open(dir, options, new FakeClock(), nullLogger);
    for (let s = 1; s <= 4; s++) q.append(message(s));
    q.markResent(2);
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => q.at(i)!.resent),
      [true, true, false, false],
    );
    await q.close();
    await q.close();
    assert.equal(q.append(message(5)), 0);
  }),
);
