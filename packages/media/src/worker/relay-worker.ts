/**
 * Entry point of a relay worker thread: owns the sockets of the sessions the
 * control plane placed here, answers typed requests, and reports sessions
 * whose media went silent for longer than the media timeout.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isPalisadeError } from '@palisade/common';
import { RelayRegistry } from './relay-registry.ts';
import { WrongSourceTally } from './wrong-source-tally.ts';
import type {
  WorkerApi,
  WorkerMessage,
  WorkerMethod,
  WorkerRequest,
  WorkerSettings,
} from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('relay-worker must run in a worker thread');
const settings = workerData as WorkerSettings;
const WRONG_SOURCE_REPORT_MS = 1000;

// wrong-source drops go out in one message a second at most, however fast they come
const wrongSources = new WrongSourceTally();
setInterval(() => {
  const batch = wrongSources.drain();
  if (batch)
    port.postMessage({ kind: 'event', type: 'wrong-source', ...batch } satisfies WorkerMessage);
}, WRONG_SOURCE_REPORT_MS);

const registry = new RelayRegistry(
  settings,
  (sessionId, ports, failure) => {
    port.postMessage({
      kind: 'event',
      type: failure === undefined ? 'session-timeout' : 'session-failed',
      sessionId,
      ports,
      ...(failure === undefined ? {} : { reason: failure }),
    } satisfies WorkerMessage);
  },
  (address) => wrongSources.count(address),
);

type Handlers = {
  [K in WorkerMethod]: (
    params: WorkerApi[K]['params'],
  ) => Promise<WorkerApi[K]['result']> | WorkerApi[K]['result'];
};

const handlers: Handlers = {
  openStream: (p) => registry.openStream(p.sessionId, p.stream, p.ports),
  configureSide: (p) => registry.configureSide(p.sessionId, p.stream, p.side, p.config),
  deleteSession: (p) => registry.deleteSession(p.sessionId),
  sessionStats: (p) => registry.sessionStats(p.sessionId),
};

port.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      const handler = handlers[req.method] as (p: unknown) => unknown;
      const result = await handler(req.params);
      port.postMessage({
        kind: 'response',
        id: req.id,
        ok: true,
        result: result ?? null,
      } satisfies WorkerMessage);
    } catch (err) {
      const error = isPalisadeError(err)
        ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
        : { code: 'internal' as const, message: 'relay worker failed' };
      port.postMessage({ kind: 'response', id: req.id, ok: false, error } satisfies WorkerMessage);
    }
  })();
});
