/**
 * A browser softphone and a baresip desk phone call each other through
 * Palisade (PRODUCT §A6, §B1): headless Chromium's RTCPeerConnection with
 * SIP over WSS (registered with `;transport=ws`, as a browser SIP stack
 * does) on one side, UDP/TLS/RTP/SAVPF with ICE-lite and DTLS-SRTP; baresip
 * with plain RTP on the other. Palisade picks each leg's profile from how
 * the phone is reached. Audio both ways: baresip's tone plays in Chromium
 * (inbound-rtp totalAudioEnergy grows) and Chromium's fake microphone is
 * heard by baresip (the WAV it writes is not silent); the relay counted
 * packets from both. Once with the browser calling, once with baresip
 * calling. Both with the built-in engine (ICE-lite, DTLS-SRTP in the relay)
 * and with rtpengine (full ICE and DTLS-SRTP by rtpengine-daemon). Each run
 * (scenario in webrtc-call-scenario.ts) is its own network namespace with
 * only `lo`, made here and deleted at the end, after whatever the run left
 * in it is killed. Needs root, `ip`, Chromium and baresip (and
 * rtpengine-daemon for the rtpengine runs).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { startPeer, type RunningPeer } from '../../support/process.ts';
import type { EngineUnderTest } from '../../support/rtpengine.ts';

const scenario = fileURLToPath(new URL('./webrtc-call-scenario.ts', import.meta.url));
const peers: RunningPeer[] = [];
const namespaces: string[] = [];

function skipReason(engine: EngineUnderTest): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for a network namespace';
  const peers: [string, string][] = [
    ['iproute2', 'ip'],
    ['chromium', 'chromium'],
    ['baresip', 'baresip'],
  ];
  if (engine === 'rtpengine') peers.push(['rtpengine-daemon', 'rtpengine']);
  for (const [pkg, bin] of peers) {
    const peer = debianPeer(pkg, bin);
    if (peer.skip !== undefined) return peer.skip;
  }
  return undefined;
}

const ip = (...args: string[]): boolean =>
  spawnSync('ip', args, { stdio: 'ignore', timeout: 10_000 }).status === 0;

/** Kills what a run left in its namespace (a scenario killed at its bound leaves its children). */
function killLeftovers(namespace: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8', timeout: 10_000 });
  for (const pid of (pids.stdout ?? '').split(/\s+/).filter((s) => /^\d+$/.test(s))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

after(async () => {
  for (const peer of peers) await peer.stop('SIGKILL');
  for (const ns of namespaces) {
    killLeftovers(ns);
    ip('netns', 'del', ns);
  }
});

interface Reading {
  energy: number;
  packets: number;
  state: string;
}

interface CallResult {
  error?: string;
  toBrowser: {
    proto: string;
    candidates: number;
    fingerprint: boolean;
    iceUfrag: boolean;
    setup: string;
  };
  first: Reading;
  second: Reading;
  byeStatus: number;
  phoneHeardLevel: number;
  fromCaller: number;
  fromCallee: number;
  cdrs: { disposition: string; calleeDeviceId: string | null }[];
  devices: { browser: string; desk: string };
  phoneOutput: string;
}

async function run(
  direction: 'browser-calls' | 'phone-calls',
  engine: EngineUnderTest,
): Promise<CallResult> {
  const namespace = `palisade-wcall-${String(process.pid)}-${direction}-${engine}`;
  assert.ok(ip('netns', 'add', namespace), 'could not create a network namespace');
  namespaces.push(namespace);
  assert.ok(ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up'));
  const peer = startPeer(
    'ip',
    ['netns', 'exec', namespace, process.execPath, scenario, direction, engine],
    { maxMs: 58_000 },
  );
  peers.push(peer);
  const [, json] = await peer.waitFor(/RESULT (\{.*\})/, 57_000);
  await peer.exited();
  return JSON.parse(json ?? '{}') as CallResult;
}

function assertAudioBothWays(r: CallResult, browserIsCaller: boolean): void {
  assert.equal(r.error, undefined, r.error);
  // what a browser SIP stack needs in our SDP: WebRTC profile, ICE candidates, a fingerprint
  assert.equal(r.toBrowser.proto, 'UDP/TLS/RTP/SAVPF');
  assert.ok(r.toBrowser.candidates >= 1, 'no ICE candidate for the browser');
  assert.ok(r.toBrowser.fingerprint, 'no DTLS fingerprint for the browser');
  assert.ok(r.toBrowser.iceUfrag);
  assert.equal(r.toBrowser.setup, browserIsCaller ? 'passive' : 'actpass');
  assert.equal(r.second.state, 'connected');
  // baresip's tone plays in Chromium: energy grows between two readings
  assert.ok(r.first.energy > 0, 'no audio energy in Chromium');
  assert.ok(r.second.energy > r.first.energy, 'audio energy in Chromium did not grow');
  assert.ok(r.second.packets > r.first.packets);
  // Chromium's microphone reaches baresip, decrypted and decoded: its recording is not silence
  assert.ok(r.phoneHeardLevel > 50, `baresip heard level ${String(r.phoneHeardLevel)}`);
  // the relay carried media from both phones (≈50 packets/s each way for seconds)
  assert.ok(r.fromCaller > 100, `from the caller: ${String(r.fromCaller)}`);
  assert.ok(r.fromCallee > 100, `from the callee: ${String(r.fromCallee)}`);
  assert.equal(r.byeStatus, 200);
  assert.equal(r.cdrs.length, 1);
  assert.equal(r.cdrs[0]?.disposition, 'answered');
  assert.equal(
    r.cdrs[0]?.calleeDeviceId,
    browserIsCaller ? r.devices.desk : r.devices.browser,
    r.phoneOutput,
  );
}

for (const engine of ['builtin', 'rtpengine'] as const) {
  describe(`browser softphone ↔ baresip through Palisade (${engine} media engine)`, () => {
    test('Chromium (SIP over WSS, DTLS-SRTP) calls baresip (plain RTP): audio both ways', async (t) => {
      const skip = skipReason(engine);
      if (skip) return t.skip(skip);
      assertAudioBothWays(await run('browser-calls', engine), true);
    });

    test('baresip (plain RTP) calls Chromium (SIP over WSS, DTLS-SRTP): audio both ways', async (t) => {
      const skip = skipReason(engine);
      if (skip) return t.skip(skip);
      assertAudioBothWays(await run('phone-calls', engine), false);
    });
  });
}
