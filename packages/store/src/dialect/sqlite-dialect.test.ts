import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPalisadeError } from '@palisade/common';
import { openStore } from '../open-store.ts';
import { migrations } from '../migrations/index.ts';
import { openSqliteDatabase } from './sqlite-dialect.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the database file is owner-only and runs in WAL with foreign keys and a busy timeout', () => {
  const path = join(dir, 'pragmas.sqlite');
  const db = openSqliteDatabase(path);
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    db.close();
  }
});

test('a SQLite database survives close and reopen in WAL mode', async () => {
  const path = join(dir, 'reopen.sqlite');
  const first = await openStore({ kind: 'sqlite', path });
  await first.migrate();
  const tenant = await first.tenants.create({ name: 'acme', sipDomain: 'acme.example' });
  const user = await first.users.create({
    tenantId: tenant.id,
    username: 'alice',
    extension: '201',
    displayName: 'Alice',
  });
  await first.auditLog.append({ actor: 'cli', action: 'user.create', outcome: 'success' });
  // While open, committed data sits in the write-ahead log.
  assert.ok(existsSync(`${path}-wal`));
  await first.close();
  await first.close();

  const second = await openStore({ kind: 'sqlite', path });
  try {
    assert.deepEqual(await second.migrate(), { applied: [], version: migrations.length });
    assert.deepEqual(await second.tenants.findById(tenant.id), tenant);
    assert.deepEqual(await second.users.findById(user.id), user);
    assert.equal((await second.auditLog.query()).entries.length, 1);
  } finally {
    await second.close();
  }
});

test('opening a path that cannot be a database fails with storage_failed', async () => {
  await assert.rejects(
    openStore({ kind: 'sqlite', path: join(dir, 'missing-dir', 'x.sqlite') }),
    (err) => isPalisadeError(err, 'storage_failed'),
  );
});
