/**
 * A bounded, append-only, on-disk queue of formatted syslog messages for one
 * TCP/TLS target. Every message stays here until the target no longer needs
 * it (sent and pushed out of the resend window, or dropped when full).
 *
 * Layout of the directory:
 *   <firstSeq, 16 digits>.seg  records `<seq> <split> <line>\n`, append-only
 *   cursor                     highest seq that needs no more delivery
 *
 * fsync policy: appends are collected in memory and written + fdatasync'ed
 * in one batch at most `fsyncIntervalMs` later (sooner once 256 KiB are
 * waiting). A crash of the host loses at most that last batch. The cursor is
 * written atomically (temp file, fsync, rename) in the same batch; a stale
 * cursor only means more resending, never a gap. A segment is deleted once
 * every record in it is at or below the cursor, so the directory holds at
 * most `maxBytes` of live records plus one segment of dead ones.
 *
 * Records read back at start are all marked `resent`: they may have reached
 * the collector before the restart.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Logger, TimerHandle } from '@palisade/common';
import type { FormattedMessage } from './rfc5424-format.ts';

export interface QueuedRecord extends FormattedMessage {
  /** Possibly delivered before: resend with `resent="1"`. */
  resent: boolean;
  readonly bytes: number;
}

export interface DiskQueueOptions {
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsyncIntervalMs: number;
}

export interface DiskQueueStats {
  readonly queued: number;
  readonly queuedBytes: number;
  readonly dropped: number;
  readonly diskErrors: number;
}

interface Segment {
  readonly firstSeq: number;
  readonly path: string;
  lastSeq: number;
  bytes: number;
}

const SEGMENT_FILE = /^(\d{16})\.seg$/;
const RECORD = /^(\d{1,16}) (\d{1,6}) ([^\n]*)$/;
const EAGER_FLUSH_BYTES = 256 * 1024;
const DROP_REPORT_MS = 10_000;

/** Writes `text` to `path` durably: temp file, fsync, rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function readCursor(path: string): number {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

export class DiskQueue {
  readonly #dir: string;
  readonly #options: DiskQueueOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Live records are `#records[#head..]`; the prefix is compacted away now and then. */
  #records: QueuedRecord[] = [];
  #head = 0;
  #bytes = 0;
  #cursor: number;
  #cursorOnDisk: number;
  #segments: Segment[] = [];
  #current: Segment | undefined;
  #pending: { segment: Segment; text: string }[] = [];
  #pendingBytes = 0;
  #timer: TimerHandle | undefined;
  #chain: Promise<void> = Promise.resolve();
  #dropped = 0;
  #unreportedDrops = 0;
  #lastDropReport = -Infinity;
  #diskErrors = 0;
  #closed = false;

  private constructor(dir: string, options: DiskQueueOptions, clock: Clock, logger: Logger) {
    this.#dir = dir;
    this.#options = options;
    this.#clock = clock;
    this.#logger = logger;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#cursor = readCursor(join(dir, 'cursor'));
    this.#cursorOnDisk = this.#cursor;
  }

  /** Opens (creating if needed) the queue in `dir` and loads what a previous run left. */
  static open(dir: string, options: DiskQueueOptions, clock: Clock, logger: Logger): DiskQueue {
    const queue = new DiskQueue(dir, options, clock, logger);
    queue.#load();
    return queue;
  }

  #load(): void {
    const files = readdirSync(this.#dir)
      .filter((f) => SEGMENT_FILE.test(f))
      .sort();
    let last = this.#cursor;
    for (const file of files) {
      const path = join(this.#dir, file);
      const text = readFileSync(path, 'utf8');
      const segment: Segment = { firstSeq: Number(file.slice(0, 16)), path, lastSeq: 0, bytes: 0 };
      // A line without its final newline was cut by a crash: ignored.
      const lines = text.split('\n').slice(0, -1);
      for (const raw of lines) {
        const m = RECORD.exec(raw);
        if (!m) continue;
        const seq = Number(m[1]);
        const split = Number(m[2]);
        const line = m[3] ?? '';
        segment.lastSeq = Math.max(segment.lastSeq, seq);
        if (seq <= last || split > line.length) continue;
        last = seq;
        this.#push({ seq, split, line, resent: true, bytes: Buffer.byteLength(raw) + 1 });
      }
      segment.bytes = Buffer.byteLength(text);
      this.#segments.push(segment);
    }
    // Appends never go to a segment from before: its tail may be a torn line.
    this.#current = undefined;
    this.#enforceBound();
  }

  get length(): number {
    return this.#records.length - this.#head;
  }

  /** The i-th live record (0 = oldest). */
  at(i: number): QueuedRecord | undefined {
    return this.#records[this.#head + i];
  }

  /** Appends a message; returns how many of the oldest records were dropped to make room. */
  append(message: FormattedMessage): number {
    if (this.#closed) return 0;
    const text = `${message.seq} ${message.split} ${message.line}\n`;
    const bytes = Buffer.byteLength(text);
    this.#push({ ...message, resent: false, bytes });
    let segment = this.#current;
    if (
      !segment ||
      segment.bytes + bytes > this.#options.segmentBytes ||
      segment.lastSeq <= this.#cursor
    ) {
      const name = `${String(message.seq).padStart(16, '0')}.seg`;
      segment = { firstSeq: message.seq, path: join(this.#dir, name), lastSeq: 0, bytes: 0 };
      this.#segments.push(segment);
      this.#current = segment;
    }
    segment.bytes += bytes;
    segment.lastSeq = message.seq;
    this.#pending.push({ segment, text });
    this.#pendingBytes += bytes;
    const dropped = this.#enforceBound();
    if (this.#pendingBytes >= EAGER_FLUSH_BYTES) void this.flush();
    else this.#scheduleFlush();
    return dropped;
  }

  /** The oldest `count` records need no more delivery. */
  confirm(count: number): void {
    const n = Math.min(count, this.length);
    if (n <= 0) return;
    for (let i = 0; i < n; i++) this.#bytes -= this.#records[this.#head + i]?.bytes ?? 0;
    this.#cursor = Math.max(this.#cursor, this.#records[this.#head + n - 1]?.seq ?? 0);
    this.#head += n;
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#closed) return;
    this.#timer ??= this.#clock.setTimeout(() => void this.flush(), this.#options.fsyncIntervalMs);
  }

  /** Marks the oldest `count` records as possibly delivered already. */
  markResent(count: number): void {
    const end = Math.min(this.#head + count, this.#records.length);
    for (let i = this.#head; i < end; i++) {
      const record = this.#records[i];
      if (record) record.resent = true;
    }
  }

  #push(record: QueuedRecord): void {
    this.#records.push(record);
    this.#bytes += record.bytes;
  }

  #enforceBound(): number {
    let dropped = 0;
    while (this.#bytes > this.#options.maxBytes && this.length > 1) {
      dropped++;
      this.confirm(1);
    }
    if (dropped > 0) {
      this.#dropped += dropped;
      this.#unreportedDrops += dropped;
      this.#reportDrops();
    }
    return dropped;
  }

  #reportDrops(): void {
    const now = this.#clock.monotonic();
    if (this.#unreportedDrops === 0 || now - this.#lastDropReport < DROP_REPORT_MS) return;
    this.#lastDropReport = now;
    this.#logger.warn('syslog queue full: oldest messages dropped', {
      dir: this.#dir,
      dropped: this.#unreportedDrops,
      droppedTotal: this.#dropped,
    });
    this.#unreportedDrops = 0;
  }

  /** Writes and fsyncs what is waiting, persists the cursor, deletes dead segments. */
  flush(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#chain = this.#chain.then(() => this.#flushNow());
    return this.#chain;
  }

  async #flushNow(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#reportDrops();
    try {
      const bySegment = new Map<Segment, string>();
      for (const { segment, text } of batch)
        bySegment.set(segment, (bySegment.get(segment) ?? '') + text);
      for (const [segment, text] of bySegment) {
        const file = await open(segment.path, 'a', 0o600);
        try {
          await file.write(text);
          await file.datasync();
        } finally {
          await file.close();
        }
      }
      const cursor = this.#cursor;
      if (cursor !== this.#cursorOnDisk) {
        writeFileAtomic(join(this.#dir, 'cursor'), `${cursor}\n`);
        this.#cursorOnDisk = cursor;
      }
      const dead = this.#segments.filter((s) => s !== this.#current && s.lastSeq <= cursor);
      this.#segments = this.#segments.filter((s) => !dead.includes(s));
      for (const segment of dead) await unlink(segment.path).catch(() => undefined);
    } catch (err) {
      this.#diskErrors++;
      if (this.#diskErrors === 1)
        this.#logger.error('syslog queue: cannot write to disk; keeping messages in memory', {
          dir: this.#dir,
          error: err instanceof Error ? err.message : String(err),
        });
    }
  }

  /** Flushes and stops the timer; idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.flush();
    }
    await this.#chain;
  }

  stats(): DiskQueueStats {
    return {
      queued: this.length,
      queuedBytes: this.#bytes,
      dropped: this.#dropped,
      diskErrors: this.#diskErrors,
    };
  }
}
