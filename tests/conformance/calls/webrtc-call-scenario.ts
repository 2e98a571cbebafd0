/**
 * One call between a browser softphone and a baresip desk phone through a
 * real Palisade. Run by webrtc-calls.test.ts inside a network namespace
 * that has only `lo` (Chromium gathers no loopback candidates otherwise):
 * Palisade, baresip and Chromium all on 127.0.0.1 there.
 *
 * The browser is headless Chromium (its RTCPeerConnection, fake microphone,
 * the remote stream playing in an <audio> element) with its SIP spoken over
 * WSS by a small client (tests/support/wss-sip-phone.ts), registered with
 * Contact `;transport=ws` as a browser SIP stack does. baresip speaks plain
 * RTP and sends a 440 Hz tone; what it hears goes to a WAV file.
 *
 * argv[2]: `browser-calls` (the browser dials baresip's extension) or
 * `phone-calls` (baresip dials the browser's); argv[3]: the media engine,
 * `builtin` or `rtpengine` (a daemon of its own, on 127.0.0.1 in the same
 * namespace, stopped at the end). Prints `RESULT <json>` and exits; gives
 * up after 55 s.
 */
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseSdp } from '@palisade/media';
import { startBaresip, type BaresipPhone } from '../../support/baresip.ts';
import { debianPeer } from '../../support/debian.ts';
import { mediaEngineEnv, type EngineUnderTest } from '../../support/rtpengine.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
} from '../../support/sip-palisade.ts';
import {
  serveWebrtcPage,
  webrtcPage,
  WEBRTC_FLAGS,
  type EnergyReading,
} from '../../support/webrtc-page.ts';
import { WssSipPhone } from '../../support/wss-sip-phone.ts';

const direction = process.argv[2];
const engine: EngineUnderTest = process.argv[3] === 'rtpengine' ? 'rtpengine' : 'builtin';
const giveUp = setTimeout(() => {
  console.log('RESULT {"error":"scenario timed out"}');
  process.exit(2);
}, 55_000);

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await wait(100);
  }
}

/** What the SDP we sent the browser says about its media (what a browser SIP stack needs). */
function webrtcTerms(sdp: string): Record<string, unknown> {
  const m = parseSdp(sdp).media[0];
  return {
    proto: m?.proto,
    candidates: (sdp.match(/^a=candidate:/gm) ?? []).length,
    fingerprint: /^a=fingerprint:sha-256 /m.test(sdp),
    iceUfrag: /^a=ice-ufrag:/m.test(sdp),
    setup: /^a=setup:(\w+)/m.exec(sdp)?.[1],
  };
}

/** The phone's tone heard in the browser: energy read once it starts, then again 2 s later. */
async function listen(page: Page): Promise<{ first: EnergyReading; second: EnergyReading }> {
  let first = await webrtcPage.readEnergy(page);
  for (let i = 0; i < 50 && first.energy === 0; i++) {
    await wait(200);
    first = await webrtcPage.readEnergy(page);
  }
  await wait(2000);
  return { first, second: await webrtcPage.readEnergy(page) };
}

let p: SipPalisade | undefined;
let stopEngine: (() => Promise<void>) | undefined;
let browser: Browser | undefined;
let softphone: WssSipPhone | undefined;
const phones: BaresipPhone[] = [];
const web = await serveWebrtcPage();

async function scenario(): Promise<Record<string, unknown>> {
  const baresip = debianPeer('baresip', 'baresip');
  if (baresip.skip !== undefined) throw new Error(baresip.skip);
  const media = await mediaEngineEnv(
    engine,
    { min: 47000, max: 47999 },
    engine === 'rtpengine' ? debianPeer('rtpengine-daemon', 'rtpengine').path : undefined,
  );
  stopEngine = media.stop;
  p = await startSipPalisade({ PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5', ...media.env });
  const server = p;
  const [browserDevice, desk] = await addDevices(server, 2, 5000);
  if (!browserDevice || !desk) throw new Error('no devices');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: WEBRTC_FLAGS,
    headless: true,
    timeout: 30_000,
  });
  const page = await browser.newPage();
  await page.goto(web.url);
  softphone = await WssSipPhone.connect(`wss://127.0.0.1:${String(server.server.httpsPort)}/sip`, {
    ca: server.ca,
    servername: SIP_DOMAIN,
    user: browserDevice.sipUsername,
    password: browserDevice.secret,
    domain: SIP_DOMAIN,
  });
  await softphone.register();
  const totals = server.server.sip.b2bua.mediaTotals;
  const before = { ...totals };

  let toBrowser: string;
  let phone: BaresipPhone;
  if (direction === 'browser-calls') {
    phone = await startBaresip(baresip.path, desk, {
      udpPort: server.udpPort,
      register: true,
      srtp: false,
      seconds: 40,
    });
    phones.push(phone);
    await until(
      'baresip registers',
      () => server.server.sip.location.bindingsOf(desk.deviceId).length > 0,
      15_000,
    );
    const offer = await webrtcPage.startCall(page);
    toBrowser = (await softphone.call(desk.extension, offer)).answer;
    await webrtcPage.acceptAnswer(page, toBrowser);
  } else {
    const ringing = softphone.incoming();
    phone = await startBaresip(baresip.path, desk, {
      udpPort: server.udpPort,
      register: false,
      srtp: false,
      seconds: 40,
      args: ['-e', `/dial sip:${browserDevice.extension}@${SIP_DOMAIN}`],
    });
    phones.push(phone);
    let timer: NodeJS.Timeout | undefined;
    const call = await Promise.race([
      ringing,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no INVITE reached the browser')), 20_000);
      }),
    ]).finally(() => clearTimeout(timer));
    toBrowser = call.offer;
    await call.answer(await webrtcPage.answerCall(page, call.offer));
  }
  const heard = await listen(page);
  const byeStatus = await softphone.bye();
  await until('the call ends', () => totals.calls > before.calls, 10_000);
  // baresip closes heard.wav when it exits
  await phone.peer.stop();
  const cdrs = await server.server.domain.store.cdrs.list({
    tenantId: server.server.domain.defaultTenant.id,
  });
  return {
    toBrowser: webrtcTerms(toBrowser),
    ...heard,
    byeStatus,
    phoneHeardLevel: phone.heardLevel(),
    fromCaller: totals.packetsFromCallers - before.packetsFromCallers,
    fromCallee: totals.packetsFromCallees - before.packetsFromCallees,
    droppedWrongSource: totals.droppedWrongSource - before.droppedWrongSource,
    cdrs: cdrs.map((c) => ({
      disposition: c.disposition,
      caller: c.caller,
      callee: c.callee,
      calleeDeviceId: c.calleeDeviceId,
    })),
    devices: { browser: browserDevice.deviceId, desk: desk.deviceId },
    phoneOutput: phone.peer.output().slice(-1500),
  };
}

try {
  console.log(`RESULT ${JSON.stringify(await scenario())}`);
} catch (err) {
  const said = phones.map((ph) => ph.peer.output().slice(-1500)).join('\n');
  console.log(
    `RESULT ${JSON.stringify({ error: `${err instanceof Error ? err.message : String(err)}\n${said}` })}`,
  );
} finally {
  softphone?.close();
  for (const ph of phones) {
    await ph.peer.stop();
    rmSync(ph.dir, { recursive: true, force: true });
  }
  await browser?.close();
  await p?.stop();
  await stopEngine?.();
  web.close();
  clearTimeout(giveUp);
}
