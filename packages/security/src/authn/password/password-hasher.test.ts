import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalisadeError } from '@palisade/common';
import {
  hashPassword,
  identifyPasswordHash,
  needsRehash,
  verifyPassword,
} from './password-hasher.ts';
import { ARGON2ID_MIN_PARAMS, parseArgon2idHash } from './argon2id-hash.ts';

const STRONGER = { memoryKiB: 24_576, passes: 3, parallelism: 1 };

test('hashPassword: PHC argon2id string with our parameters, fresh salt each time', async () => {
  const h = await hashPassword('correct horse battery staple');
  assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(await hashPassword('correct horse battery staple'), h);
  const parsed = parseArgon2idHash(h)!;
  assert.equal(parsed.salt.length, 16);
  assert.equal(parsed.tag.length, 32);
  assert.equal(identifyPasswordHash(h), 'argon2id');
});

test('verifyPassword: right password ok, wrong one not, no rehash at current parameters', async () => {
  const h = await hashPassword('correct horse battery staple');
  assert.deepEqual(await verifyPassword('correct horse battery staple', h), {
    ok: true,
    needsRehash: false,
  });
  assert.deepEqual(await verifyPassword('correct horse battery stapler', h), {
    ok: false,
    needsRehash: false,
  });
});

test('the reference implementation vector verifies (argon2id, m=64 MiB, t=2, p=1)', async () => {
  const ref =
    '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
  assert.equal((await verifyPassword('password', ref)).ok, true);
  assert.equal((await verifyPassword('Password', ref)).ok, false);
});

test('passwords are NFKC-normalised: composed and decomposed forms match', async () => {
  const h = await hashPassword('caf\u00e9 au lait, s\u2019il vous pla\u00eet');
  assert.equal(
    (await verifyPassword('cafe\u0301 au lait, s\u2019il vous plai\u0302t', h)).ok,
    true,
  );
});

test('needsRehash: other parameters or legacy schemes', async () => {
  const h = await hashPassword('pw-for-rehash-test', ARGON2ID_MIN_PARAMS);
  assert.equal(needsRehash(h, ARGON2ID_MIN_PARAMS), false);
  assert.equal(needsRehash(h, STRONGER), true);
  assert.deepEqual(await verifyPassword('pw-for-rehash-test', h, STRONGER), {
    ok: true,
    needsRehash: true,
  });
  const legacy =
    '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1';
  assert.equal(needsRehash(legacy), true);
  assert.equal(needsRehash('garbage'), true);
});

test('legacy SHA-512-crypt hashes verify and ask to be upgraded', async () => {
  const legacy =
    '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1';
  assert.equal(identifyPasswordHash(legacy), 'sha512-crypt');
  assert.deepEqual(await verifyPassword('Hello world!', legacy), { ok: true, needsRehash: true });
  assert.deepEqual(await verifyPassword('Hello world?', legacy), { ok: false, needsRehash: false });
});

test('unknown user: same argon2id work, never ok', async () => {
  assert.deepEqual(await verifyPassword('anything', null), { ok: false, needsRehash: false });
});

test('bad input and bad configuration are refused clearly', async () => {
  await assert.rejects(hashPassword('x'.repeat(1025)), (e) =>
    isPalisadeError(e, 'validation_failed'),
  );
  await assert.rejects(hashPassword('pw', { memoryKiB: 4096, passes: 2, parallelism: 1 }), (e) =>
    isPalisadeError(e, 'config_invalid'),
  );
  await assert.rejects(hashPassword('pw', { memoryKiB: 19_456, passes: 1, parallelism: 1 }), (e) =>
    isPalisadeError(e, 'config_invalid'),
  );
  await assert.rejects(verifyPassword('pw', '$2b$10$abcdefghijklmnopqrstuu'), (e) =>
    isPalisadeError(e, 'validation_failed'),
  );
  assert.equal(identifyPasswordHash('$2b$10$abc'), null);
});

test('PHC parsing refuses what we will not compute', () => {
  const good =
    '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
  assert.ok(parseArgon2idHash(good));
  for (const bad of [
    good.replace('argon2id', 'argon2i'),
    good.replace('v=19', 'v=16'),
    good.replace('m=19456', 'm=99999999'),
    good.replace('p=1', 'p=0'),
    good.replace('t=2', 't=0'),
    good + '=',
    good.replace('$c29tZXNhbHRzb21lc2FsdA$', '$c29t$'),
    good.replace('$c29tZXNhbHRzb21lc2FsdA$', '$c29tZXNhbHR$'), // non-canonical base64
    'x'.repeat(300),
  ]) {
    assert.equal(parseArgon2idHash(bad), null, bad);
  }
});
