/**
 * The optional nftables integration, in a network namespace made for the
 * test (so the host's firewall is never touched): the table, sets and
 * drop rules are created, a ban adds the address with its timeout, an
 * unban removes it. Needs root and the `nft` command (Debian nftables).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { nullLogger } from '@palisade/common';
import { NftBanSet } from '@palisade/server';
import { debianPeer } from '../../support/debian.ts';

const nft = debianPeer('nftables', 'nft');
const ns = `palisade-ids-${randomBytes(3).toString('hex')}`;
const skip = nft.skip ?? (process.getuid?.() === 0 ? false : 'network namespaces need root');
let made = false;

before(() => {
  if (skip) return;
  execFileSync('ip', ['netns', 'add', ns], { timeout: 10_000 });
  made = true;
});
after(() => {
  if (made) execFileSync('ip', ['netns', 'delete', ns], { timeout: 10_000 });
});

test(
  'banned addresses go into the nft sets of a namespace and come out on unban',
  { skip },
  async () => {
    const set = new NftBanSet(nullLogger, ['ip', 'netns', 'exec', ns, nft.path!]);
    assert.equal(await set.setup(), true);
    assert.equal(await set.setup(), true, 'idempotent');
    await set.add('127.0.0.2', 600);
    await set.add('::ffff:192.0.2.7', null);
    await set.add('2001:db8::5', 60);
    await set.add('not-an-address; flush ruleset', 60);
    assert.deepEqual((await set.list()).sort(), ['127.0.0.2', '192.0.2.7', '2001:db8::5']);
    const rules = execFileSync(
      'ip',
      ['netns', 'exec', ns, nft.path!, 'list', 'chain', 'inet', 'palisade', 'input'],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
    assert.match(rules, /ip saddr @banned4 drop/);
    assert.match(rules, /ip6 saddr @banned6 drop/);
    await set.remove('127.0.0.2');
    await set.remove('127.0.0.2');
    assert.deepEqual((await set.list()).sort(), ['192.0.2.7', '2001:db8::5']);
  },
);

test('without a usable nft the set says so and stays inactive', async () => {
  const set = new NftBanSet(nullLogger, ['/nonexistent/nft']);
  assert.equal(await set.setup(), false);
  assert.equal(set.active, false);
  await set.add('127.0.0.2', 60);
});
