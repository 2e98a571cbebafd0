/**
 * The web app's softphone and a baresip desk phone, end to end; run by
 * softphone-baresip.test.ts inside a network namespace that has only `lo`:
 * a real Palisade (SQLite) serving the built app, headless Chromium with
 * ann (201) signed in to the user app, and baresip as bob's phone (202,
 * G.711 over plain RTP, a 440 Hz tone as its microphone, what it hears
 * recorded to a WAV file), all on 127.0.0.1.
 *
 * 1. ann dials 202 from the dial pad; baresip (registered, auto-answer)
 *    answers; Chromium's inbound audio grows, baresip's recording is not
 *    silent, the relay counted packets both ways; ann hangs up.
 * 2. baresip dials 201; the app shows the incoming-call notification; ann
 *    answers; audio both ways as above; baresip hangs up (it sends BYE as
 *    it is stopped) and the app returns to idle.
 *
 * Prints `RESULT <json>` (measurements, or `error` with the failed step)
 * and exits; gives up after 100 s.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CLI_ACTOR } from '@palisade/pbx';
import { makeUser } from '../identity/identity-fixtures.ts';
import { startBaresip, type BaresipPhone } from '../../support/baresip.ts';
import { debianPeer } from '../../support/debian.ts';
import { SIP_DOMAIN, type SipPalisade, type TestDevice } from '../../support/sip-palisade.ts';
import { launchChromium, screenshotter, WEBRTC_LOOPBACK_FLAGS } from '../../support/web-browser.ts';
import {
  callState,
  signIn,
  sleep,
  twoReadings,
  waitConnected,
  type Pair,
} from './softphone-page.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';

const giveUp = setTimeout(() => {
  console.log('RESULT {"error":"scenario timed out"}');
  process.exit(2);
}, 100_000);

const shot = screenshotter('web');

let step = 'start';
let p: SipPalisade | undefined;
let browser: Browser | undefined;
const pages: Page[] = [];
const problems: string[] = [];
const phones: BaresipPhone[] = [];

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

/** What one call measured: the browser's two readings, baresip's recording, the relay. */
export interface CallMeasures {
  readonly browser: Pair;
  readonly phoneHeardLevel: number;
  readonly fromCaller: number;
  readonly fromCallee: number;
  readonly droppedWrongSource: number;
  readonly calls: number;
}

async function run(): Promise<Record<string, unknown>> {
  const chromium = debianPeer('chromium', 'chromium');
  const baresip = debianPeer('baresip', 'baresip');
  if (chromium.skip !== undefined) throw new Error(chromium.skip);
  if (baresip.skip !== undefined) throw new Error(baresip.skip);
  step = 'server starts';
  // MD5: baresip does not answer a SHA-256 challenge (the web phone uses MD5 too);
  // the relay's ports apart from baresip's (46000-46999)
  const started = await startWebPalisade({
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_MEDIA_RTP_PORT_MIN: '47000',
    PALISADE_MEDIA_RTP_PORT_MAX: '47999',
  });
  const server = (p = started.p);
  const d = server.server.domain;
  await makeUser(server, 'ann', { extension: '201' });
  const bob = await makeUser(server, 'bob', { extension: '202' });
  const creds = await d.devices.add(CLI_ACTOR, { userId: bob.id, sipUsername: 'bob-desk' });
  const desk: TestDevice = {
    extension: '202',
    sipUsername: creds.sipUsername,
    secret: creds.secret,
    userId: bob.id,
    deviceId: creds.device.id,
  };
  const totals = server.server.sip.b2bua.mediaTotals;
  /** What the relay counted since `before` (the call's totals are added when it ends). */
  const relaySince = (before: typeof totals) => ({
    fromCaller: totals.packetsFromCallers - before.packetsFromCallers,
    fromCallee: totals.packetsFromCallees - before.packetsFromCallees,
    droppedWrongSource: totals.droppedWrongSource - before.droppedWrongSource,
    calls: totals.calls - before.calls,
  });

  step = 'browser starts';
  browser = await launchChromium(chromium.path, server.ca, WEBRTC_LOOPBACK_FLAGS);
  step = 'ann signs in';
  const ann = await signIn(browser, started.origin, 'ann', 'app', { pages, problems });

  step = 'baresip registers';
  const answering = await startBaresip(baresip.path, desk, {
    udpPort: server.udpPort,
    register: true,
    srtp: false,
    seconds: 40,
  });
  phones.push(answering);
  await until(
    'baresip registers',
    () => server.server.sip.location.bindingsOf(desk.deviceId).length > 0,
    15_000,
  );
  await shot(ann, 'baresip-phone-ready');

  step = 'ann calls baresip';
  let before = { ...totals };
  await ann.getByLabel('Number').fill('202');
  await ann.getByRole('button', { name: 'Call', exact: true }).click();
  await callState(ann).getByText('In call with').waitFor();
  await waitConnected(ann);
  await sleep(1_000);
  step = 'audio both ways (ann calls)';
  const outgoingHeard = await twoReadings(ann);
  await shot(ann, 'in-call-with-baresip');
  step = 'ann hangs up';
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await callState(ann).waitFor({ state: 'detached' });
  await until('the relay closes the call', () => totals.calls > before.calls, 10_000);
  // baresip writes its recording's header when it exits
  await answering.peer.stop();
  const outgoing: CallMeasures = {
    browser: outgoingHeard,
    ...relaySince(before),
    phoneHeardLevel: answering.heardLevel(),
  };
  await shot(ann, 'hung-up-baresip');

  step = 'baresip calls ann';
  before = { ...totals };
  const dialling = await startBaresip(baresip.path, desk, {
    udpPort: server.udpPort,
    register: false,
    srtp: false,
    seconds: 40,
    args: ['-e', `/dial sip:201@${SIP_DOMAIN}`],
  });
  phones.push(dialling);
  const incoming = ann.getByRole('alertdialog');
  await incoming.getByText('Incoming call from').waitFor();
  const incomingText = (await incoming.textContent()) ?? '';
  await shot(ann, 'incoming-call-from-baresip');
  step = 'ann answers';
  await incoming.getByRole('button', { name: 'Answer' }).click();
  await callState(ann).getByText('In call with').waitFor();
  await waitConnected(ann);
  await sleep(1_000);
  step = 'audio both ways (baresip calls)';
  const incomingHeard = await twoReadings(ann);
  await shot(ann, 'answered-baresip');
  step = 'baresip hangs up';
  // stopping baresip (SIGTERM) ends its calls with BYE before it exits
  await dialling.peer.stop();
  await callState(ann).waitFor({ state: 'detached' });
  await until('the relay closes the call', () => totals.calls > before.calls, 10_000);
  await ann.getByTestId('phone-status').getByText('Ready:').waitFor();
  await shot(ann, 'idle-after-baresip-hung-up');
  const incomingCall: CallMeasures = {
    browser: incomingHeard,
    ...relaySince(before),
    phoneHeardLevel: dialling.heardLevel(),
  };

  const cdrs = await d.store.cdrs.list({ tenantId: d.defaultTenant.id }, { limit: 10 });
  for (const page of pages) await page.close();
  return {
    outgoing,
    incoming: incomingCall,
    incomingText,
    cdrs: cdrs.map((c) => ({
      caller: c.caller,
      callee: c.callee,
      disposition: c.disposition,
      calleeDeviceId: c.calleeDeviceId,
    })),
    deskDeviceId: desk.deviceId,
    problems,
  };
}

let result: Record<string, unknown>;
try {
  result = await run();
} catch (err) {
  for (const page of pages) if (!page.isClosed()) await shot(page, 'FAILED').catch(() => undefined);
  const said = phones.map((ph) => ph.peer.output().slice(-1500)).join('\n');
  result = { error: `${step}: ${err instanceof Error ? err.message : String(err)}\n${said}` };
}
for (const ph of phones) {
  await ph.peer.stop().catch(() => undefined);
  rmSync(ph.dir, { recursive: true, force: true });
}
await browser?.close().catch(() => undefined);
await p?.stop().catch(() => undefined);
clearTimeout(giveUp);
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
