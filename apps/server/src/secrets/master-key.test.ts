import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPalisadeError } from '@palisade/common';
import { loadMasterKey } from './master-key.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-master-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('creates the key once (0600) and reads the same key back', () => {
  const a = loadMasterKey(dir, null);
  assert.equal(a.length, 32);
  const file = join(dir, 'secrets', 'master.key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(loadMasterKey(dir, null), a);
  assert.ok(!readFileSync(file, 'utf8').includes(a.toString('hex')));
});

test('a configured key file must exist and hold 32 bytes', () => {
  assert.throws(
    () => loadMasterKey(dir, join(dir, 'missing.key')),
    (e) => isPalisadeError(e, 'config_invalid'),
  );
  const hex = join(dir, 'hex.key');
  writeFileSync(hex, 'ab'.repeat(32));
  assert.equal(loadMasterKey(dir, hex).toString('hex'), 'ab'.repeat(32));
  const short = join(dir, 'short.key');
  writeFileSync(short, 'c2hvcnQ=');
  assert.throws(
    () => loadMasterKey(dir, short),
    (e) => isPalisadeError(e, 'config_invalid'),
  );
});
