import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPassword } from './password-checker.ts';
import type { PasswordContext } from './password-checker.ts';
import { definePasswordPolicy, PASSWORD_POLICY_PRESETS } from './password-policy.ts';

const standards = PASSWORD_POLICY_PRESETS.standards;
const vendor = PASSWORD_POLICY_PRESETS['vendor-compat'];

async function codes(pw: string, policy = standards, context: PasswordContext = {}) {
  return (await checkPassword(pw, policy, context)).map((p) => p.code);
}

test('standards: a long unusual passphrase passes with no composition demands', async () => {
  assert.deepEqual(await codes('lantern pickle orbit mango'), []);
  assert.deepEqual(await codes('καλημέρα κόσμε!'), []); // 15 code points
  assert.deepEqual(await codes('αβγδεζηθικλμνξο'), ['sequential']);
});

test('standards: 15 characters, or 12 when MFA is enforced', async () => {
  assert.deepEqual(await codes('quiet-river-42'), ['too-short']); // 14
  assert.deepEqual(await codes('quiet-river-42', standards, { mfaEnforced: true }), []);
  assert.deepEqual(await codes('quiet-rive', standards, { mfaEnforced: true }), ['too-short']);
  const [problem] = await checkPassword('short', standards);
  assert.equal(problem!.message, 'Use at least 15 characters.');
});

test('length counts code points of the NFKC form, not UTF-16 units', async () => {
  const emoji = '🦊🐙🦉🐢🦔🐝🦋🐞🦀🐬🦩🐘🦒🐧🐿'; // 15 code points, 30 UTF-16 units
  assert.deepEqual(await codes(emoji), []);
  assert.deepEqual(await codes('🦊'.repeat(14)), ['too-short', 'repetitive']);
});

test('too long is refused on its own', async () => {
  assert.deepEqual(await codes('x'.repeat(129)), ['too-long']);
  assert.deepEqual(await codes('x'.repeat(10_000_000)), ['too-long']);
  assert.deepEqual(await codes('lantern pickle orbit mango '.repeat(4).slice(0, 128)), []);
});

test('common passwords and light variations of them are refused', async () => {
  for (const pw of [
    'password',
    'Password',
    'P@ssw0rd',
    'password123456!',
    'iloveyou',
    '123456789012',
  ]) {
    assert.ok((await codes(pw)).includes('common'), pw);
  }
  assert.ok(
    (await codes('baseball', definePasswordPolicy('standards', { minLength: 8 }))).includes(
      'common',
    ),
  );
});

test('repeats and sequences are refused', async () => {
  assert.deepEqual(await codes('aaaaaaaaaaaaaaaa'), ['repetitive']);
  assert.deepEqual(await codes('abcabcabcabcabcab'), ['repetitive']);
  assert.deepEqual(await codes('abcdefghijklmnopq'), ['sequential']);
  assert.deepEqual(await codes('zyxwvutsrqponmlk'), ['sequential']);
});

test('context words: user name, extension, tenant, e-mail, product name', async () => {
  const context: PasswordContext = {
    username: 'jdoe',
    extension: '1042',
    tenant: 'Acme',
    email: 'john.doe@example.org',
    displayName: 'John Doe',
  };
  const check = (pw: string) => checkPassword(pw, standards, context);
  assert.deepEqual(await check('lantern pickle orbit mango'), []);
  const messages = async (pw: string) => (await check(pw)).map((p) => p.message);
  // "jdoe" holds "doe" too, a part of the display name.
  assert.deepEqual(await messages('my jdoe lantern pickle'), [
    'Do not use your user name in your password.',
    'Do not use your name in your password.',
  ]);
  assert.deepEqual(await messages('lantern pickle 1042 orbit'), [
    'Do not use your extension number in your password.',
  ]);
  assert.deepEqual(await messages('ACME lantern pickle orbit'), [
    "Do not use your organisation's name in your password.",
  ]);
  assert.deepEqual(await messages('lantern Pal1sade orbit mango'), [
    'Do not use the product name in your password.',
  ]);
  assert.deepEqual(await messages('lantern example orbit mango'), [
    'Do not use your e-mail domain in your password.',
  ]);
  assert.deepEqual(await messages('lantern john orbit mango'), [
    'Do not use your name in your password.',
  ]);
});

test('vendor-compat: 12 characters with upper case, digit and special', async () => {
  assert.deepEqual(await codes('lantern pickle', vendor), ['needs-uppercase', 'needs-digit']);
  assert.deepEqual(await codes('lanternpickle', vendor), [
    'needs-uppercase',
    'needs-digit',
    'needs-special',
  ]);
  assert.deepEqual(await codes('Lantern-pick1', vendor), []);
  assert.deepEqual(await codes('Lant-pick1', vendor), ['too-short']);
  assert.ok((await codes('Password123!', vendor)).includes('common'));
});

test('knobs can be turned off', async () => {
  const lax = definePasswordPolicy('standards', {
    blocklist: false,
    contextWords: false,
    minLength: 8,
  });
  assert.deepEqual(await codes('password', lax), []);
  assert.deepEqual(await codes('palisade', lax, { username: 'palisade' }), []);
  const lower = definePasswordPolicy('standards', { requireLowercase: true });
  assert.deepEqual(await codes('LANTERN PICKLE ORBIT', lower), ['needs-lowercase']);
});
