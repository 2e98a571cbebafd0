/**
 * The `seq` every message carries: monotonic across restarts. The next value
 * is kept in `<dir>/seq`. To avoid a disk write per message, blocks of
 * `BLOCK` values are reserved (written durably before use); a clean close
 * writes the exact next value, so a normal restart leaves no gap. After a
 * crash the count resumes at the end of the reserved block: a jump, never a
 * reuse of a number. If the file cannot be written, counting goes on in
 * memory (events matter more than their numbering) and `onPersistError` is told.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './disk-queue.ts';

const BLOCK = 1000;

export class SeqCounter {
  readonly #path: string;
  #next: number;
  #reservedUpTo: number;
  #closed = false;
  readonly #onPersistError: (err: unknown) => void;

  constructor(dir: string, onPersistError: (err: unknown) => void = () => undefined) {
    this.#onPersistError = onPersistError;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#path = join(dir, 'seq');
    let stored = 1;
    try {
      const value = Number(readFileSync(this.#path, 'utf8').trim());
      if (Number.isSafeInteger(value) && value >= 1) stored = value;
    } catch {
      // first start
    }
    this.#next = stored;
    this.#reservedUpTo = stored;
  }

  /** The next sequence number (1, 2, ...). */
  next(): number {
    if (this.#next >= this.#reservedUpTo) {
      this.#reservedUpTo = this.#next + BLOCK;
      this.#persist(this.#reservedUpTo);
    }
    return this.#next++;
  }

  /** Persists the exact next value; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#next !== this.#reservedUpTo) this.#persist(this.#next);
  }

  #persist(value: number): void {
    try {
      writeFileAtomic(this.#path, `${value}\n`);
    } catch (err) {
      this.#onPersistError(err);
    }
  }
}
