/**
 * One WebRTC call from headless Chromium through the built-in relay to a
 * plain RTP phone. Run by webrtc-chromium.test.ts inside a network
 * namespace that has only `lo` (Chromium gathers no loopback candidates
 * otherwise), so this process, the relay and Chromium share that loopback.
 *
 * The phone sends a 440 Hz PCMU tone; Chromium plays the remote stream in an
 * <audio> element and we read inbound-rtp totalAudioEnergy twice. Prints
 * `RESULT <json>` and exits; gives up after 60 s.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { BuiltinMediaEngine, parseSdp } from '@palisade/media';
import {
  serveWebrtcPage,
  webrtcPage,
  WEBRTC_FLAGS,
  type EnergyReading,
} from '../../support/webrtc-page.ts';

const giveUp = setTimeout(() => {
  console.log('RESULT {"error":"scenario timed out"}');
  process.exit(2);
}, 60_000);

/** G.711 μ-law encoder (ITU-T G.711), for the phone's tone. */
function ulaw(sample: number): number {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const web = await serveWebrtcPage();

const engine = await BuiltinMediaEngine.start({
  bindAddress: '127.0.0.1',
  portMin: 38000,
  portMax: 38999,
  workers: 1,
});
const phone = createSocket('udp4');
phone.bind(0, '127.0.0.1');
await once(phone, 'listening');
let phoneHeard = 0;
let phoneLoud = 0;
phone.on('message', (m) => {
  phoneHeard++;
  // Anything but μ-law silence (0xff/0x7f) in the payload counts as sound.
  if (m.subarray(12).some((b) => b !== 0xff && b !== 0x7f)) phoneLoud++;
});
const phoneSdp = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  `m=audio ${String(phone.address().port)} RTP/AVP 0`,
  'a=rtpmap:0 PCMU/8000',
  'a=rtcp-mux',
  'a=sendrecv',
  '',
].join('\r\n');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: WEBRTC_FLAGS,
  headless: true,
  timeout: 30_000,
});
type Reading = EnergyReading;
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One call; `browserOffers` picks who makes the offer (and so who says actpass). */
async function call(browserOffers: boolean): Promise<Record<string, unknown>> {
  phoneHeard = 0;
  phoneLoud = 0;
  const page = await browser.newPage();
  const session = await engine.createSession(browserOffers ? 'chromium-offers' : 'relay-offers');
  let tone: NodeJS.Timeout | undefined;
  try {
    await page.goto(web.url);
    let toPhone: string;
    let browserSdp: string;
    let relaySdp: string;
    if (browserOffers) {
      browserSdp = await webrtcPage.startCall(page);
      toPhone = await session.offer('a', browserSdp, { transport: 'RTP/AVP' });
      relaySdp = await session.answer('b', phoneSdp);
      await webrtcPage.acceptAnswer(page, relaySdp);
    } else {
      relaySdp = await session.offer('a', phoneSdp, { transport: 'UDP/TLS/RTP/SAVPF' });
      browserSdp = await webrtcPage.answerCall(page, relaySdp);
      toPhone = await session.answer('b', browserSdp);
    }
    const relayForPhone = parseSdp(toPhone).media[0]?.port ?? 0;
    let seq = 0;
    let phase = 0;
    tone = setInterval(() => {
      const p = Buffer.alloc(12 + 160);
      p[0] = 0x80;
      p.writeUInt16BE(++seq & 0xffff, 2);
      p.writeUInt32BE(seq * 160, 4);
      p.writeUInt32BE(0x5eed0001, 8);
      for (let i = 0; i < 160; i++)
        p[12 + i] = ulaw(8000 * Math.sin((2 * Math.PI * 440 * phase++) / 8000));
      phone.send(p, relayForPhone, '127.0.0.1');
    }, 20);
    const energy = (): Promise<Reading> => webrtcPage.readEnergy(page);
    let first = await energy();
    for (let i = 0; i < 100 && first.energy === 0; i++) {
      await wait(200);
      first = await energy();
    }
    await wait(2000);
    const second = await energy();
    return {
      first,
      second,
      phoneHeard,
      phoneLoud,
      stats: await session.stats(),
      browserSetup: /a=setup:(\w+)/.exec(browserSdp)?.[1],
      relaySetup: /a=setup:(\w+)/.exec(relaySdp)?.[1],
    };
  } finally {
    if (tone) clearInterval(tone);
    await session.delete();
    await page.close();
  }
}

/**
 * Chromium's offer with someone else's fingerprint: the relay must refuse
 * its certificate, end the session and relay nothing.
 */
async function mismatch(): Promise<Record<string, unknown>> {
  phoneHeard = 0;
  const page = await browser.newPage();
  const session = await engine.createSession('chromium-mismatch');
  const ended = new Promise<string>((resolve) => {
    engine.onSessionEnded((e) => {
      if (e.callId === 'chromium-mismatch') resolve(e.reason);
    });
  });
  try {
    await page.goto(web.url);
    const offer = await webrtcPage.startCall(page);
    const forged = offer.replace(
      /a=fingerprint:sha-256 [0-9A-Fa-f:]+/g,
      `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'A5').join(':')}`,
    );
    await session.offer('a', forged, { transport: 'RTP/AVP' });
    await webrtcPage.acceptAnswer(page, await session.answer('b', phoneSdp));
    const reason = await Promise.race([ended, wait(20_000).then(() => 'still running')]);
    await wait(500);
    return { reason, phoneHeard, browser: await webrtcPage.readEnergy(page) };
  } finally {
    await session.delete();
    await page.close();
  }
}

try {
  const browserOffers = await call(true);
  const relayOffers = await call(false);
  const forged = await mismatch();
  console.log(`RESULT ${JSON.stringify({ browserOffers, relayOffers, forged })}`);
} catch (err) {
  console.log(
    `RESULT ${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}`,
  );
} finally {
  await browser.close();
  await engine.close();
  phone.close();
  web.close();
  clearTimeout(giveUp);
}
