/**
 * Registrations on SQLite with the writes on a worker thread.
 *
 * better-sqlite3 is synchronous: on the main thread every write-through of
 * the registrar (one transaction per group commit, with an fsync under
 * synchronous=FULL, and now and then a WAL checkpoint) stopped the event
 * loop while it ran. Measured at about 25 µs of main-thread time per
 * binding in batches of 100, plus the fsync: a sixth of the main thread at
 * 6,000 registrations a second, and the longest pauses of the loop. Here
 * the main thread only posts the bindings (a structured clone, a few µs)
 * and the worker runs the transaction on its own connection.
 *
 * `apply` resolves only after the worker's transaction has committed, so a
 * REGISTER is still answered only once its binding survives a kill -9 of
 * the process (the worker commits with synchronous=NORMAL: see
 * registration-write-worker.ts for why that is enough, and what it gives
 * up). Reads stay on the main connection (WAL: they see every committed
 * write), and so do writes inside a store transaction (`tx` repositories),
 * which must be atomic with the rest of it.
 *
 * The worker starts on the first write and does not keep the process alive
 * while idle. If it dies, the writes in flight fail (the registrar answers
 * 500) and the next write starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { PalisadeError } from '@palisade/common';
import type {
  ListOptions,
  RegistrationBinding,
  RegistrationFilter,
  RegistrationRepository,
} from '@palisade/pbx';
import type { WriteOp, WriteReply, WriteRequest } from './registration-write-protocol.ts';

interface Pending {
  resolve(result: number): void;
  reject(err: Error): void;
}

export class ThreadedRegistrationRepository implements RegistrationRepository {
  readonly #path: string;
  readonly #reads: RegistrationRepository;
  readonly #pending = new Map<number, Pending>();
  /** Waiting for the writes in flight to finish (close). */
  #idle: (() => void)[] = [];
  #worker: Worker | undefined;
  #nextId = 1;
  #closed = false;

  /** `reads` answers the reads, on the main connection. */
  constructor(path: string, reads: RegistrationRepository) {
    this.#path = path;
    this.#reads = reads;
  }

  async apply(changes: {
    readonly upsert: readonly RegistrationBinding[];
    readonly remove: readonly string[];
  }): Promise<void> {
    if (changes.upsert.length === 0 && changes.remove.length === 0) return;
    await this.#request({ op: 'apply', upsert: changes.upsert, remove: changes.remove });
  }

  purgeExpired(now: number): Promise<number> {
    return this.#request({ op: 'purge', now });
  }

  listUnexpired(now: number): Promise<RegistrationBinding[]> {
    return this.#reads.listUnexpired(now);
  }

  list(filter: RegistrationFilter, options?: ListOptions): Promise<RegistrationBinding[]> {
    return this.#reads.list(filter, options);
  }

  /** Lets the writes in flight finish, then stops the worker. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#pending.size > 0) await new Promise<void>((r) => this.#idle.push(r));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #request(request: WriteOp): Promise<number> {
    if (this.#closed)
      return Promise.reject(new PalisadeError('storage_failed', 'the store is closed'));
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    return new Promise<number>((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } satisfies WriteRequest);
    });
  }

  #settle(id: number): Pending | undefined {
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) {
      this.#worker?.unref();
      for (const done of this.#idle.splice(0)) done();
    }
    return p;
  }

  #start(): Worker {
    const worker = new Worker(new URL('./registration-write-worker.ts', import.meta.url), {
      workerData: { path: this.#path },
    });
    worker.unref();
    worker.on('message', (reply: WriteReply) => {
      const p = this.#settle(reply.id);
      if (!p) return;
      if (reply.ok) p.resolve(reply.result);
      else
        p.reject(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}));
    });
    const fail = (cause: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const id of [...this.#pending.keys()])
        this.#settle(id)?.reject(
          new PalisadeError('storage_failed', 'the registration writer stopped', { cause }),
        );
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`registration writer exited with ${code}`)));
    return worker;
  }
}
