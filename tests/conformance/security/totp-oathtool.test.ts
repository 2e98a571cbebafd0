/** Our TOTP codes against oathtool (Debian `oathtool`), an independent implementation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { generateTotpSecret, totpCode, totpUri } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';

const oathtool = debianPeer('oathtool', 'oathtool');

test(
  'totpCode agrees with oathtool --totp for random secrets and times',
  { skip: oathtool.skip },
  () => {
    for (let i = 0; i < 5; i++) {
      const { bytes, base32 } = generateTotpSecret();
      const seconds = randomInt(0, 4_000_000_000);
      const theirs = execFileSync(oathtool.path!, ['--totp', '-b', '-N', `@${seconds}`, base32], {
        timeout: 10_000,
      })
        .toString('utf8')
        .trim();
      assert.equal(totpCode(bytes, seconds * 1000), theirs, `t=${seconds}`);
    }
  },
);

test('oathtool reads the secret of our otpauth URI', { skip: oathtool.skip }, () => {
  const { bytes } = generateTotpSecret();
  const secret = new URL(
    totpUri({ issuer: 'Palisade', account: 'u', secret: bytes }),
  ).searchParams.get('secret')!;
  const theirs = execFileSync(oathtool.path!, ['--totp', '-b', '-N', '@1700000000', secret], {
    timeout: 10_000,
  })
    .toString('utf8')
    .trim();
  assert.equal(theirs, totpCode(bytes, 1_700_000_000_000));
});
