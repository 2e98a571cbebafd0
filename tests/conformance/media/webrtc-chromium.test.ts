/**
 * Headless Chromium (Debian `chromium`, driven by playwright-core) calls a
 * plain RTP phone through the built-in relay: ICE-lite, DTLS-SRTP with
 * Chromium's own certificate and fingerprint, PCMU both ways. Chromium plays
 * the phone's tone in an <audio> element and its inbound-rtp
 * totalAudioEnergy must grow; the phone must hear Chromium's fake microphone.
 * Once with Chromium offering (actpass; we answer passive), once with the
 * relay offering; then Chromium's offer with a forged a=fingerprint must end
 * the call with nothing relayed.
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

test('Chromium ↔ relay ↔ plain RTP phone: audio both ways over DTLS-SRTP, either side offering; a forged fingerprint ends the call', async (t) => {
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
    browserOffers: CallResult;
    relayOffers: CallResult;
    forged: { reason: string; phoneHeard: number; browser: { packets: number } };
  };
  assert.equal(r.error, undefined, r.error);
  for (const [name, c] of [
    ['browser offers', r.browserOffers],
    ['relay offers', r.relayOffers],
  ] as const) {
    const what = `${name}: `;
    assert.equal(c.second.state, 'connected', what);
    // The phone's tone plays in Chromium: energy grows between two readings.
    assert.ok(c.first.energy > 0, `${what}no audio energy in Chromium`);
    assert.ok(c.second.energy > c.first.energy, `${what}audio energy in Chromium did not grow`);
    assert.ok(c.second.packets > c.first.packets, what);
    // Chromium's fake microphone reaches the phone, decrypted.
    assert.ok(c.phoneHeard >= 50, `${what}phone heard ${String(c.phoneHeard)} packets`);
    assert.ok(c.phoneLoud > 0, `${what}phone heard only silence`);
    assert.equal(c.stats.a['droppedSrtp'], 0, what);
    assert.equal(c.stats.a['droppedWrongSource'], 0, what);
  }
  // RFC 5763 roles: Chromium offers actpass and we answer passive; we offer actpass.
  assert.equal(r.browserOffers.browserSetup, 'actpass');
  assert.equal(r.browserOffers.relaySetup, 'passive');
  assert.equal(r.relayOffers.relaySetup, 'actpass');
  assert.equal(r.relayOffers.browserSetup, 'active');
  // Chromium's certificate against a forged a=fingerprint: refused, call ended, nothing relayed.
  assert.equal(r.forged.reason, 'media_failed');
  assert.equal(r.forged.phoneHeard, 0);
  assert.equal(r.forged.browser.packets, 0);
});

interface CallResult {
  first: { energy: number; packets: number; state: string };
  second: { energy: number; packets: number; state: string };
  phoneHeard: number;
  phoneLoud: number;
  stats: { a: Record<string, number>; b: Record<string, number> };
  browserSetup?: string;
  relaySetup?: string;
}
