/**
 * The worker thread that writes registration bindings to SQLite (see
 * threaded-registration-repository.ts for why). It has its own connection
 * to the database file, set up as every other (WAL, synchronous=FULL,
 * foreign keys, busy timeout), and answers each request only once its
 * transaction has committed: the caller's promise resolving means durable.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RegistrationBinding } from '@palisade/pbx';
import { openSqliteDatabase } from '../dialect/sqlite-dialect.ts';
import { REGISTRATION_COLUMNS, toRow } from './registration-rows.ts';
import type { WriteReply, WriteRequest } from './registration-write-protocol.ts';

const port = parentPort;
if (!port) throw new Error('registration-write-worker.ts runs as a worker thread');

const db = openSqliteDatabase((workerData as { path: string }).path);
const insert = db.prepare(
  `insert into registrations (${REGISTRATION_COLUMNS.join(', ')}) values (${REGISTRATION_COLUMNS.map((c) => `@${c}`).join(', ')})`,
);
const remove = db.prepare('delete from registrations where id = ?');
const purge = db.prepare('delete from registrations where expires_at <= ?');

// BEGIN IMMEDIATE, as the store's own write transactions: take the write
// lock up front (waiting up to the busy timeout) rather than fail upgrading
const write = db.transaction(
  (upsert: readonly RegistrationBinding[], removed: readonly string[]): void => {
    for (const id of removed) remove.run(id);
    for (const b of upsert) {
      remove.run(b.id);
      insert.run(toRow(b));
    }
  },
);
const apply = (upsert: readonly RegistrationBinding[], removed: readonly string[]): void =>
  write.immediate(upsert, removed);

port.on('message', (request: WriteRequest) => {
  let reply: WriteReply;
  try {
    const result =
      request.op === 'apply'
        ? (apply(request.upsert, request.remove), 0)
        : purge.run(request.now).changes;
    reply = { id: request.id, ok: true, result };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    reply = {
      id: request.id,
      ok: false,
      message: e.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  port.postMessage(reply);
});

port.once('close', () => db.close());
