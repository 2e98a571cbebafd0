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
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import type { EngineUnderTest } from '../../support/rtpengine.ts';
import { LoopbackNamespaces } from '../../support/loopback-namespace.ts';

const scenario = fileURLToPath(new URL('./webrtc-call-scenario.ts', import.meta.url));
const namespaces = new LoopbackNamespaces();
const skipReason = (engine: EngineUnderTest): string | undefined =>
  namespaces.skipReason([
    ['chromium', 'chromium'],
    ['baresip', 'baresip'],
    ...(engine === 'rtpengine' ? ([['rtpengine-daemon', 'rtpengine']] as const) : []),
  ]);

after(() => namespaces.cleanup());

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
  droppedWrongSource: number;
  cdrs: { disposition: string; calleeDeviceId: string | null }[];
  devices: { browser: string; desk: string };
  phoneOutput: string;
}

function run(
  direction: 'browser-calls' | 'phone-calls',
  engine: EngineUnderTest,
): Promise<CallResult> {
  const name = `palisade-wcall-${String(process.pid)}-${direction}-${engine}`;
  return namespaces.run<CallResult>(name, scenario, [direction, engine], 58_000);
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
  // the answerer's first packets (RTP, a browser's ICE checks) may beat its answer to the
  // relay: they are dropped as early, never reported as from a wrong source
  assert.equal(r.droppedWrongSource, 0, 'packets dropped as from a wrong source');
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
