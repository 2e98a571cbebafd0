/**
 * A page for WebRTC tests in headless Chromium: an RTCPeerConnection with
 * the fake microphone, that makes or answers an offer (ICE gathered in
 * full: no trickle), plays the remote stream in an <audio> element and
 * reports inbound-rtp totalAudioEnergy. Served over http://127.0.0.1 (a
 * secure context); Chromium launched with WEBRTC_FLAGS in a network
 * namespace that has only `lo` gathers loopback candidates.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from './web-browser.ts';

/** The web tests' Chromium flags, with loopback ICE candidates and autoplay allowed. */
export const WEBRTC_FLAGS = [
  ...CHROMIUM_FLAGS,
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

export interface EnergyReading {
  readonly energy: number;
  readonly packets: number;
  readonly state: string;
}

/** The browser side, as the page's own script (Node has no DOM types to check it against). */
const PAGE = `<!doctype html><title>call</title><body><script>
let pc;
async function prepare() {
  pc = new RTCPeerConnection();
  const media = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const t of media.getTracks()) pc.addTrack(t, media);
  pc.ontrack = (e) => {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.srcObject = new MediaStream([e.track]);
    document.body.appendChild(audio);
    audio.play();
  };
}
async function gathered() {
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
  });
  return pc.localDescription.sdp;
}
async function startCall() {
  await prepare();
  await pc.setLocalDescription(await pc.createOffer());
  return gathered();
}
async function answerCall(sdp) {
  await prepare();
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  return gathered();
}
async function acceptAnswer(sdp) {
  await pc.setRemoteDescription({ type: 'answer', sdp });
}
async function readEnergy() {
  let energy = 0, packets = 0;
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      energy = s.totalAudioEnergy ?? 0;
      packets = s.packetsReceived ?? 0;
    }
  });
  return { energy, packets, state: pc.connectionState };
}
</script></body>`;

/** Serves the page on 127.0.0.1; `url` to open, `close` when done. */
export async function serveWebrtcPage(): Promise<{ url: string; close: () => void }> {
  const http = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(PAGE);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${String(port)}/`, close: () => http.close() };
}

/** The page's calls, typed: SDP out of an offer or answer, energy readings. */
export const webrtcPage = {
  startCall: async (page: Page): Promise<string> => String(await page.evaluate('startCall()')),
  answerCall: async (page: Page, offer: string): Promise<string> =>
    String(await page.evaluate(`answerCall(${JSON.stringify(offer)})`)),
  acceptAnswer: async (page: Page, answer: string): Promise<void> => {
    await page.evaluate(`acceptAnswer(${JSON.stringify(answer)})`);
  },
  readEnergy: (page: Page): Promise<EnergyReading> => page.evaluate<EnergyReading>('readEnergy()'),
};
