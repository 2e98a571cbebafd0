import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPalisadeError } from '@palisade/common';
import { loadSsoKey } from './sso-key.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-sso-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('creates the key once (0600) and reads the same key back', () => {
  const a = loadSsoKey(dir, null);
  assert.equal(a.length, 32);
  const file = join(dir, 'secrets', 'sso.key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(loadSsoKey(dir, null), a);
  assert.ok(!readFileSync(file, 'utf8').includes(a.toString('hex')));
});

test('a configured key file must exist and hold 32 bytes', () => {
  assert.throws(
    () => loadSsoKey(dir, join(dir, 'missing.key')),
    (e) => isPalisadeError(e, 'config_invalid'),
  );
  const hex = join(dir, 'hex.key');
  writeFileSync(hex, 'ab'.repeat(32));
  assert.equal(loadSsoKey(dir, hex).toString('hex'), 'ab'.repeat(32));
  const short = join(dir, 'short.key');
  writeFileSync(short, 'c2hvcnQ=');
  assert.throws(
    () => loadSsoKey(dir, short),
    (e) => isPalisadeError(e, 'config_invalid'),
  );
});
