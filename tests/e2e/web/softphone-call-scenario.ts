/**
 * The softphone end to end, run by softphone-call.test.ts inside a network
 * namespace that has only `lo` (Chromium gathers no loopback ICE candidates
 * otherwise): a real Palisade (SQLite) serving the built web app, and one
 * headless Chromium with a browser context per person.
 *
 * ann (201) calls bob (202) from the web app; bob answers from the
 * incoming-call notification; both read their RTCPeerConnection's
 * inbound-rtp stats twice (packets and totalAudioEnergy must grow); ann holds
 * (directions sendonly/recvonly, both pages say so) and resumes; ann sends
 * DTMF from the dial pad (RFC 4733 events through RTCDTMFSender); bob
 * transfers ann blind to cat (203), cat answers, ann and cat hear each
 * other; ann hangs up; the admin's console lists the calls' records.
 *
 * Prints `RESULT <json>` (measurements, or `error` with the failed step)
 * and exits; gives up after 100 s.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeBase32, totpCode } from '@palisade/security';
import { makeUser, PASSWORD } from '../identity/identity-fixtures.ts';
import { debianPeer } from '../../support/debian.ts';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import { freeTcpPort } from '../../support/ports.ts';
import {
  launchChromium,
  screenshotter,
  watchProblems,
  WEB_ROOT,
  WEBRTC_LOOPBACK_FLAGS,
} from '../../support/web-browser.ts';

const giveUp = setTimeout(() => {
  console.log('RESULT {"error":"scenario timed out"}');
  process.exit(2);
}, 100_000);

const shot = screenshotter('web');

/**
 * Page-side helpers, injected before the app loads (through CDP, so outside
 * the app's CSP; Node has no DOM types to check them against): every
 * RTCPeerConnection the app makes is kept where the test can read its stats,
 * and the DTMF sender's tonechange events (each fires as a tone goes out on
 * RTP) are collected.
 */
const PAGE_HELPERS = `(() => {
  const Native = window.RTCPeerConnection;
  const all = [];
  window.__tones = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); all.push(this); }
  };
  const live = () => all.filter((p) => p.connectionState !== 'closed').at(-1);
  window.__connected = () => all.some((p) => p.connectionState === 'connected');
  window.__readStats = async () => {
    const pc = live();
    if (!pc) return null;
    const r = { packets: 0, bytes: 0, energy: 0, sent: 0 };
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        r.packets += s.packetsReceived ?? 0;
        r.bytes += s.bytesReceived ?? 0;
        r.energy += s.totalAudioEnergy ?? 0;
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') r.sent += s.packetsSent ?? 0;
    });
    const direction = pc.getTransceivers()[0]?.currentDirection ?? null;
    return { ...r, state: pc.connectionState, direction };
  };
  window.__watchTones = () => {
    const pc = live();
    const dtmf = pc?.getSenders().find((s) => s.track?.kind === 'audio')?.dtmf;
    dtmf?.addEventListener('tonechange', (e) => window.__tones.push(e.tone));
    return {
      canInsert: dtmf?.canInsertDTMF ?? false,
      remoteHasTelephoneEvent: /telephone-event/i.test(pc?.remoteDescription?.sdp ?? ''),
    };
  };
})();`;

/** What PAGE_HELPERS puts on the page (waitForFunction takes functions: a string would be eval, which the CSP refuses). */
interface Helpers {
  __connected(): boolean;
  __tones: string[];
}

export interface Reading {
  readonly packets: number;
  readonly bytes: number;
  readonly energy: number;
  readonly sent: number;
  readonly state: string;
  readonly direction: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let step = 'start';
let p: TestPalisade | undefined;
let browser: Browser | undefined;
const pages: Page[] = [];
const problems: string[] = [];

async function person(
  origin: string,
  username: string,
  area: 'app' | 'console',
  totpSecret?: Buffer,
) {
  step = `${username} signs in`;
  const context: BrowserContext = await browser!.newContext({
    viewport: { width: 900, height: 900 },
  });
  await context.addInitScript(PAGE_HELPERS);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  pages.push(page);
  const seen = watchProblems(page);
  page.on('close', () => problems.push(...seen.map((x) => `${username}: ${x}`)));
  await page.goto(`${origin}/login${area === 'console' ? '?to=console' : ''}`);
  await page.getByLabel(area === 'console' ? 'Admin console' : 'User app').check();
  await page.getByLabel('Login name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (area === 'console' && totpSecret) {
    await page.getByLabel('Code').fill(totpCode(totpSecret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  if (area === 'app') {
    await page.getByRole('heading', { name: 'Phone' }).waitFor();
    await page.getByTestId('phone-status').getByText('Ready:').waitFor();
  }
  return { page, problems: seen };
}

/** Two readings a second and a half apart. */
async function twoReadings(page: Page): Promise<{ first: Reading; second: Reading }> {
  const first = await page.evaluate<Reading | null>('__readStats()');
  await sleep(1_500);
  const second = await page.evaluate<Reading | null>('__readStats()');
  if (!first || !second) throw new Error('no peer connection');
  return { first, second };
}

async function waitConnected(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as Helpers).__connected());
}

const callState = (page: Page) => page.getByTestId('call-state');

async function run(): Promise<Record<string, unknown>> {
  const chromium = debianPeer('chromium', 'chromium');
  if (chromium.skip !== undefined) throw new Error(chromium.skip);
  const port = await freeTcpPort();
  const origin = `https://localhost:${String(port)}`;
  step = 'server starts';
  p = await startTestPalisade({
    PALISADE_HTTP_PORT: String(port),
    PALISADE_HTTP_PUBLIC_URL: origin,
    PALISADE_HTTP_WEB_ROOT: WEB_ROOT,
  });
  const d = p.server.domain;
  await makeUser(p, 'ann', { extension: '201' });
  await makeUser(p, 'bob', { extension: '202' });
  await makeUser(p, 'cat', { extension: '203' });
  // The admin signs in to the console with a second factor, enrolled here.
  const admin = await makeUser(p, 'audrey', { extension: '290', admin: true });
  const begun = await d.identity.factors.beginTotp(
    { tenantId: d.defaultTenant.id, userId: admin.id },
    'Palisade',
    'audrey',
    'test app',
  );
  const totpSecret = decodeBase32(begun.secret);
  if (!totpSecret) throw new Error('no TOTP secret');
  await d.identity.factors.confirmTotp(admin.id, begun.factor.id, totpCode(totpSecret, Date.now()));
  step = 'browser starts';
  browser = await launchChromium(chromium.path, p.ca, WEBRTC_LOOPBACK_FLAGS);

  const ann = (await person(origin, 'ann', 'app')).page;
  const bob = (await person(origin, 'bob', 'app')).page;
  await shot(ann, 'phone-ready');

  step = 'ann calls bob';
  await ann.getByLabel('Number').fill('202');
  await ann.getByRole('button', { name: 'Call', exact: true }).click();
  const incoming = bob.getByRole('alertdialog');
  await incoming.getByText('Incoming call from').waitFor();
  const incomingText = (await incoming.textContent()) ?? '';
  await shot(bob, 'incoming-call');
  step = 'bob answers';
  await incoming.getByRole('button', { name: 'Answer' }).click();
  await callState(ann).getByText('In call with').waitFor();
  await callState(bob).getByText('In call with').waitFor();
  await waitConnected(ann);
  await waitConnected(bob);
  await sleep(1_000);
  step = 'audio both ways';
  const talk = { ann: await twoReadings(ann), bob: await twoReadings(bob) };
  await shot(ann, 'in-call-caller');
  await shot(bob, 'in-call-callee');

  step = 'ann holds';
  await ann.getByRole('button', { name: 'Hold' }).click();
  await callState(ann).getByText('(on hold)').waitFor();
  await callState(bob).getByText('(held by the other side)').waitFor();
  await sleep(1_000);
  const held = { ann: await twoReadings(ann), bob: await twoReadings(bob) };
  await shot(ann, 'on-hold');
  await shot(bob, 'held-by-peer');
  step = 'ann resumes';
  await ann.getByRole('button', { name: 'Resume' }).click();
  await callState(ann).getByText('(on hold)').waitFor({ state: 'detached' });
  await callState(bob).getByText('(held by the other side)').waitFor({ state: 'detached' });
  await sleep(1_000);
  const resumed = { ann: await twoReadings(ann), bob: await twoReadings(bob) };

  step = 'ann sends DTMF';
  const dtmf = await ann.evaluate<{ canInsert: boolean; remoteHasTelephoneEvent: boolean }>(
    '__watchTones()',
  );
  for (const key of ['1', '2', 'hash']) await ann.getByRole('button', { name: key }).click();
  await ann.waitForFunction(() => (globalThis as unknown as Helpers).__tones.includes('#'));
  const tones = await ann.evaluate<string[]>('__tones');
  await shot(ann, 'dtmf-sent');

  step = 'bob transfers ann to cat';
  const cat = (await person(origin, 'cat', 'app')).page;
  await bob.getByLabel('Transfer to').fill('203');
  await bob.getByRole('button', { name: 'Transfer', exact: true }).click();
  await callState(bob).waitFor({ state: 'detached' });
  const catIncoming = cat.getByRole('alertdialog');
  await catIncoming.getByText('Incoming call from').waitFor();
  await shot(cat, 'transferred-call-rings');
  await catIncoming.getByRole('button', { name: 'Answer' }).click();
  await callState(cat).getByText('In call with').waitFor();
  await waitConnected(cat);
  await sleep(1_500);
  step = 'ann and cat hear each other';
  const transferred = { ann: await twoReadings(ann), cat: await twoReadings(cat) };
  await shot(ann, 'after-transfer-caller');
  await shot(cat, 'after-transfer-target');
  await shot(bob, 'transferor-idle');

  step = 'ann hangs up';
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await callState(ann).waitFor({ state: 'detached' });
  await callState(cat).waitFor({ state: 'detached' });
  await shot(ann, 'hung-up');

  step = 'the console lists the records';
  const console_ = (await person(origin, 'audrey', 'console', totpSecret)).page;
  await console_.getByRole('link', { name: 'Call records' }).click();
  await console_.getByRole('heading', { name: 'Call records' }).waitFor();
  const table = console_.getByRole('table', { name: 'Call records' });
  await table.locator('tbody tr').first().waitFor();
  const rows = await table.locator('tbody tr').allTextContents();
  await shot(console_, 'console-call-records');
  const cdrs = await d.store.cdrs.list({ tenantId: d.defaultTenant.id }, { limit: 20 });

  for (const page of pages) await page.close();
  return {
    incomingText,
    talk,
    held,
    resumed,
    dtmf: { ...dtmf, tones },
    transferred,
    rows,
    cdrs: cdrs.map((c) => ({
      caller: c.caller,
      callee: c.callee,
      disposition: c.disposition,
      cause: c.hangupCause,
    })),
    problems,
  };
}

let result: Record<string, unknown>;
try {
  result = await run();
} catch (err) {
  for (const page of pages) if (!page.isClosed()) await shot(page, 'FAILED').catch(() => undefined);
  result = { error: `${step}: ${err instanceof Error ? err.message : String(err)}` };
}
await browser?.close().catch(() => undefined);
await p?.stop().catch(() => undefined);
clearTimeout(giveUp);
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
