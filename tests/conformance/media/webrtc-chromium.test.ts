/**
 * Headless Chromium (Debian `chromium`, driven by playwright-core) calls a
 * plain RTP phone through the built-in relay: ICE-lite, DTLS-SRTP with
 * Chromium's own certificate and fingerprint, PCMU both ways. Chromium plays
 * the phone's tone in an <audio> element and its inbound-rtp
 * totalAudioEnergy must grow; the phone must hear Chromium's fake microphone.
 *
 * Chromium gathers no loopback candidates unless its network namespace has
 * only `lo`, so the scenario (relay, phone and Chromium) runs in a fresh
 * namespace, made here and deleted at the end. Needs root and `ip`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { debianPeer } from '../../support/debian.ts';
import { startPeer } from '../../support/process.ts';
import type { RunningPeer } from '../../support/process.ts';

const namespace = `palisade-wrtc-${String(process.pid)}`;
const scenario = fileURLToPath(new URL('./chromium-call-scenario.ts', import.meta.url));
let peer: RunningPeer | undefined;
let created = false;

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for a network namespace';
  const ip = debianPeer('iproute2', 'ip');
  if (ip.skip !== undefined) return ip.skip;
  const browser = debianPeer('chromium', 'chromium');
  if (browser.skip !== undefined) return browser.skip;
  return undefined;
}

const ip = (...args: string[]): boolean =>
  spawnSync('ip', args, { stdio: 'ignore', timeout: 10_000 }).status === 0;

after(async () => {
  await peer?.stop('SIGKILL');
  if (created) ip('netns', 'del', namespace);
});

test('Chromium ↔ relay ↔ plain RTP phone: audio both ways over DTLS-SRTP', async (t) => {
  const skip = skipReason();
  if (skip) return t.skip(skip);
  created = ip('netns', 'add', namespace);
  assert.ok(created, 'could not create a network namespace');
  assert.ok(ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up'));
  peer = startPeer('ip', ['netns', 'exec', namespace, process.execPath, scenario], {
    maxMs: 90_000,
  });
  const [, json] = await peer.waitFor(/RESULT (\{.*\})/, 80_000);
  const r = JSON.parse(json ?? '{}') as {
    error?: string;
    first: { energy: number; packets: number; state: string };
    second: { energy: number; packets: number; state: string };
    phoneHeard: number;
    phoneLoud: number;
    stats: { a: Record<string, number>; b: Record<string, number> };
  };
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.second.state, 'connected');
  // The phone's tone plays in Chromium: energy grows between two readings.
  assert.ok(r.first.energy > 0, 'no audio energy in Chromium');
  assert.ok(r.second.energy > r.first.energy, 'audio energy in Chromium did not grow');
  assert.ok(r.second.packets > r.first.packets);
  // Chromium's fake microphone reaches the phone, decrypted.
  assert.ok(r.phoneHeard >= 50, `phone heard ${String(r.phoneHeard)} packets`);
  assert.ok(r.phoneLoud > 0, 'phone heard only silence');
  assert.equal(r.stats.a['droppedSrtp'], 0);
  assert.equal(r.stats.a['droppedWrongSource'], 0);
});
