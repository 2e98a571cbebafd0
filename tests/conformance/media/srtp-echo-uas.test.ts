/**
 * The SRTP bench variant's callee (tests/bench/srtp-echo-uas.ts) against a
 * real SDES-SRTP peer: baresip (libsrtp) with `mediaenc=srtp-mand` calls it
 * directly, no Palisade between. The echo shares @palisade/media's SRTP code
 * with the relay it measures, so this is the check that it speaks SRTP as
 * others do: every packet baresip protected must pass our authentication
 * check (rx > 0, nothing failed), and what we protect must pass libsrtp's
 * (baresip hears its own tone back).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { startBaresip } from '../../support/baresip.ts';
import { debianPeer } from '../../support/debian.ts';
import { freeSipPort } from '../../support/ports.ts';
import { startPeer, type RunningPeer } from '../../support/process.ts';

const baresip = debianPeer('baresip', 'baresip');
const UAS = new URL('../../bench/srtp-echo-uas.ts', import.meta.url).pathname;
const started: RunningPeer[] = [];
const dirs: string[] = [];

after(async () => {
  for (const p of started) await p.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test(
  'the bench SRTP echo and baresip (libsrtp) understand each other',
  { skip: baresip.skip },
  async () => {
    const sipPort = await freeSipPort();
    const mediaPort = await freeSipPort();
    const uas = startPeer(
      process.execPath,
      [UAS, '-i', '127.0.0.1', '-p', String(sipPort), '-mp', String(mediaPort), '-rtp_echo'],
      { maxMs: 60_000 },
    );
    started.push(uas);
    await uas.waitFor(/srtp-uas listening/);

    const phone = await startBaresip(
      baresip.path!,
      { extension: '2000', sipUsername: '2000', secret: 'unused', userId: '', deviceId: '' },
      {
        udpPort: sipPort,
        register: false,
        srtp: true,
        seconds: 6,
        args: ['-e', `/dial sip:3000@127.0.0.1:${sipPort}`],
      },
    );
    started.push(phone.peer);
    dirs.push(phone.dir);
    await phone.peer.exited();
    await uas.stop();

    const line = /srtp-uas step (.*)/.exec(uas.output())?.[1];
    assert.ok(line, `no step line from the echo:\n${uas.output()}\n${phone.peer.output()}`);
    const n = (k: string): number => Number(new RegExp(`(?:^| )${k}=(\\d+)`).exec(line)?.[1]);
    assert.equal(n('srtp_calls'), 1, line);
    assert.ok(n('rx') > 100, `packets from baresip: ${line}`);
    assert.equal(n('auth_failed') + n('replayed') + n('malformed'), 0, line);
    assert.equal(n('echoed'), n('rx'), line);
    // the 440 Hz tone came back through our SRTP and libsrtp's
    assert.ok(
      phone.heardLevel() > 1000,
      `baresip heard level ${phone.heardLevel()}\n${phone.peer.output().slice(-2000)}`,
    );
  },
);
