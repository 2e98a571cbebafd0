/**
 * The worker thread that writes registration bindings to SQLite (see
 * threaded-registration-repository.ts for why). It has its own connection
 * to the database file, set up as every other (WAL, foreign keys, busy
 * timeout) but with synchronous=NORMAL, and answers each request only once
 * its transaction has committed.
 *
 * Why NORMAL is enough here (docs/sip-stack.md, "Durability"): in WAL mode
 * a commit appends the transaction to the -wal file with write(); once
 * write() returns the data is in the kernel, and a process that dies then,
 * even by kill -9, loses nothing: the next open replays the WAL. What NORMAL
 * gives up is the fsync at each commit (the WAL is synced at checkpoints),
 * so only a kernel crash or a power cut can lose the last transactions, and
 * the database stays consistent. Bindings are soft state that phones
 * refresh on their own; the fsync cost about 75 µs of CPU per transaction.
 * Everything else (devices, users, secrets, CDRs, the audit log) is written
 * by the main connection with synchronous=FULL, whose commits also sync the
 * bindings written before them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RegistrationBinding } from '@palisade/pbx';
import { openSqliteDatabase } from '../dialect/sqlite-dialect.ts';
import { REGISTRATION_COLUMNS, toRow } from './registration-rows.ts';
import type { WriteReply, WriteRequest } from './registration-write-protocol.ts';

const port = parentPort;
if (!port) throw new Error('registration-write-worker.ts runs as a worker thread');

const db = openSqliteDatabase((workerData as { path: string }).path);
db.pragma('synchronous = NORMAL');
const insert = db.prepare(
  `insert into registrations (${REGISTRATION_COLUMNS.join(', ')}) values (${REGISTRATION_COLUMNS.map((c) => `@${c}`).join(', ')})`,
);
const remove = db.prepare('delete from registrations where id = ?');
// A refresh keeps the binding's identity (id, tenant, user, device, AOR):
// updating the other columns in place touches the table and the expiry
// index only, where delete + insert rewrote all four indexes (a refresh cost
// about 2.5 times as much). Anything else is replaced as a whole.
const IDENTITY = ['id', 'tenant_id', 'user_id', 'device_id', 'aor'] as const;
const refresh = db.prepare(
  `update registrations set ${REGISTRATION_COLUMNS.filter(
    (c) => !(IDENTITY as readonly string[]).includes(c),
  )
    .map((c) => `${c} = @${c}`)
    .join(', ')} where ${IDENTITY.map((c) => `${c} = @${c}`).join(' and ')}`,
);
const purge = db.prepare('delete from registrations where expires_at <= ?');

// BEGIN IMMEDIATE, as the store's own write transactions: take the write
// lock up front (waiting up to the busy timeout) rather than fail upgrading
const write = db.transaction(
  (upsert: readonly RegistrationBinding[], removed: readonly string[]): void => {
    for (const id of removed) remove.run(id);
    for (const b of upsert) {
      const row = toRow(b);
      if (refresh.run(row).changes > 0) continue;
      remove.run(b.id);
      insert.run(row);
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
