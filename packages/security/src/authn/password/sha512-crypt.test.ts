import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isSha512CryptHash,
  parseSha512CryptSetting,
  sha512Crypt,
  verifySha512Crypt,
} from './sha512-crypt.ts';

// The SHA-512 test vectors published with the SHA-crypt specification.
const VECTORS: readonly (readonly [setting: string, password: string, expected: string])[] = [
  [
    '$6$saltstring',
    'Hello world!',
    '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
  ],
  [
    '$6$rounds=10000$saltstringsaltstring',
    'Hello world!',
    '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  ],
  [
    '$6$rounds=5000$toolongsaltstring',
    'This is just a test',
    '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0',
  ],
  [
    '$6$rounds=1400$anotherlongsaltstring',
    'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
  ],
  [
    '$6$rounds=77777$short',
    'we have a short salt string but not a short password',
    '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0',
  ],
  [
    '$6$rounds=123456$asaltof16chars..',
    'a short string',
    '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1',
  ],
  [
    '$6$rounds=10$roundstoolow',
    'the minimum number is still observed',
    '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.',
  ],
];

for (const [setting, password, expected] of VECTORS) {
  test(`SHA-crypt specification vector ${setting}`, async () => {
    assert.equal(await sha512Crypt(password, setting), expected);
    assert.equal(await verifySha512Crypt(password, expected), true);
    assert.equal(await verifySha512Crypt(password + '!', expected), false);
  });
}

test('setting parsing: salt cut at 16 or at $, rounds clamped', () => {
  assert.deepEqual(parseSha512CryptSetting('$6$abc$rest'), {
    rounds: 5000,
    roundsGiven: false,
    salt: 'abc',
  });
  assert.deepEqual(parseSha512CryptSetting('$6$rounds=2000000000$x'), {
    rounds: 999_999_999,
    roundsGiven: true,
    salt: 'x',
  });
  assert.equal(parseSha512CryptSetting('$5$abc'), null);
});

test('verification refuses malformed hashes and hashes with absurd rounds', async () => {
  assert.equal(isSha512CryptHash('$6$salt$short'), false);
  assert.equal(isSha512CryptHash('$5$saltstring$' + 'a'.repeat(43)), false);
  await assert.rejects(verifySha512Crypt('x', '$6$salt$short'), TypeError);
  await assert.rejects(
    verifySha512Crypt('x', `$6$rounds=999999999$salt$${'a'.repeat(86)}`),
    RangeError,
  );
});
