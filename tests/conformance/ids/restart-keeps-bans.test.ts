/**
 * Bans live in the store: a ban made before a restart still refuses the
 * address after it; one made on another node (another server on the same
 * database) arrives by polling.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  ATTACKER,
  LEGITIMATE,
  newDataDir,
  removeDataDir,
  startIdsPalisade,
  tlsProbe,
} from './ids-fixtures.ts';

const dir = newDataDir();
after(() => removeDataDir(dir));

test('a restart keeps the bans', async () => {
  const first = await startIdsPalisade(dir);
  try {
    for (let i = 0; i < 10; i++)
      first.server.ids?.detector.report({
        source: ATTACKER,
        service: 'sip',
        kind: 'auth-failure',
        user: '1000',
      });
    for (let i = 0; i < 50 && !first.server.ids?.bans.list.isBanned(ATTACKER); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await tlsProbe(first.server.httpsPort, ATTACKER, first.ca), 'refused');
  } finally {
    await first.stop();
  }
  const second = await startIdsPalisade(dir);
  try {
    assert.equal(await tlsProbe(second.server.httpsPort, ATTACKER, second.ca), 'refused');
    assert.equal(await tlsProbe(second.server.httpsPort, LEGITIMATE, second.ca), 'open');
    const [ban] = (await second.server.ids?.bans.active()) ?? [];
    assert.equal(ban?.address, ATTACKER);
    assert.equal(ban?.rule, 'sip-auth-user');
  } finally {
    await second.stop();
  }
});
