/**
 * The control plane's end of the typed request channel to one relay worker:
 * numbered requests, one response each, a timeout per request, and every
 * pending request failed if the worker dies.
 */
import { Worker } from 'node:worker_threads';
import { PalisadeError } from '@palisade/common';
import type {
  WorkerApi,
  WorkerEvent,
  WorkerMessage,
  WorkerMethod,
  WorkerSettings,
} from '../worker/worker-protocol.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

export class WorkerChannel {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  #nextId = 1;
  #dead: Error | undefined;
  /** Sessions placed on this worker, for load spreading. */
  sessions = 0;

  constructor(settings: WorkerSettings, timeoutMs: number, onEvent: (e: WorkerEvent) => void) {
    this.#timeoutMs = timeoutMs;
    this.#worker = new Worker(new URL('../worker/relay-worker.ts', import.meta.url), {
      workerData: settings,
    });
    this.#worker.on('message', (msg: WorkerMessage) => {
      if (msg.kind === 'event') {
        onEvent(msg);
        return;
      }
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else
        p.reject(
          new PalisadeError(
            msg.error.code,
            msg.error.message,
            msg.error.details ? { details: msg.error.details } : {},
          ),
        );
    });
    const fail = (err: Error): void => {
      this.#dead = err;
      for (const [id, p] of this.#pending) {
        clearTimeout(p.timer);
        p.reject(new PalisadeError('overloaded', 'media worker stopped', { cause: err }));
        this.#pending.delete(id);
      }
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`media worker exited with ${code}`)));
  }

  /** Resolves once the worker thread runs. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#worker.once('online', () => resolve());
      this.#worker.once('error', reject);
    });
  }

  request<K extends WorkerMethod>(
    method: K,
    params: WorkerApi[K]['params'],
  ): Promise<WorkerApi[K]['result']> {
    if (this.#dead) return Promise.reject(new PalisadeError('overloaded', 'media worker stopped'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new PalisadeError('overloaded', `media worker did not answer ${method}`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#worker.postMessage({ id, method, params });
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
