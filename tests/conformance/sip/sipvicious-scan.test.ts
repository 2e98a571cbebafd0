/**
 * sipvicious against the registrar: `svwar` (extension enumeration by
 * REGISTER, INVITE and OPTIONS, with and without --force) must not single
 * out any existing extension, and `svmap` must learn no product or version.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { startPeer } from '../../support/process.ts';
import { addDevices, startSipPalisade, type SipPalisade } from '../../support/sip-palisade.ts';

const svwar = debianPeer('sipvicious', 'svwar');
const svmap = debianPeer('sipvicious', 'svmap');
const skip = svwar.skip ?? svmap.skip;
const REAL = ['1000', '1001', '1002'];
const FAKE = ['995', '996', '997', '998', '999', '1003', '1004', '1005'];
let p: SipPalisade;
let home: string;

before(async () => {
  if (skip) return;
  p = await startSipPalisade();
  await addDevices(p, 3, 1000);
  // sipvicious keeps session files under $HOME/.sipvicious
  home = mkdtempSync(join(tmpdir(), 'palisade-sipvicious-'));
});
after(async () => {
  await p?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function scan(path: string, args: string[]): Promise<string> {
  const peer = startPeer(path, args, { env: { ...process.env, HOME: home }, maxMs: 90_000 });
  await peer.exited();
  return peer.output();
}

describe('sipvicious learns nothing', { skip }, () => {
  for (const [method, force] of [
    ['REGISTER', false],
    ['REGISTER', true],
    ['INVITE', false],
    ['OPTIONS', false],
    ['OPTIONS', true],
  ] as const) {
    test(`svwar -m ${method}${force ? ' --force' : ''} singles out no extension`, async () => {
      const out = await scan(svwar.path!, [
        ...(force ? ['--force'] : []),
        '-m',
        method,
        '-e995-1005',
        '-b',
        '127.0.0.1',
        `udp://127.0.0.1:${p.udpPort}`,
      ]);
      // svwar lists what it takes for an extension; a real one must look like a made-up one
      const listed = new Map(
        [...out.matchAll(/^\|\s*(\d+)\s*\|\s*([^|]*?)\s*\|$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      for (const ext of REAL) {
        const label = listed.get(ext);
        if (label === undefined) continue;
        const twins = FAKE.filter((f) => listed.get(f) === label);
        assert.ok(twins.length > 0, `extension ${ext} singled out as ${label}:\n${out}`);
      }
      assert.doesNotMatch(out, /reqauth|noauth/i, out);
    });
  }

  test('svmap learns no product or version (its scanner user agent gets no answer at all)', async () => {
    const out = await scan(svmap.path!, ['-b', '127.0.0.1', '-p', String(p.udpPort), '127.0.0.1']);
    // intrusion prevention (issue 7) drops scanner user agents silently: no row at all
    assert.doesNotMatch(out, new RegExp(`127\\.0\\.0\\.1:${p.udpPort}\\s*\\|`), out);
    assert.doesNotMatch(out, /palisade/i, out);
  });
});
