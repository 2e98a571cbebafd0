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
import type { Browser, Page } from 'playwright-core';
import { decodeBase32, totpCode } from '@palisade/security';
import { makeUser } from '../identity/identity-fixtures.ts';
import { debianPeer } from '../../support/debian.ts';
import type { TestPalisade } from '../../support/palisade.ts';
import { launchChromium, screenshotter, WEBRTC_LOOPBACK_FLAGS } from '../../support/web-browser.ts';
import {
  callState,
  type Helpers,
  signIn,
  sleep,
  twoReadings,
  waitConnected,
} from './softphone-page.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';

const giveUp = setTimeout(() => {
  console.log('RESULT {"error":"scenario timed out"}');
  process.exit(2);
}, 100_000);

const shot = screenshotter('web');

let step = 'start';
let p: TestPalisade | undefined;
let browser: Browser | undefined;
const pages: Page[] = [];
const problems: string[] = [];

function person(origin: string, username: string, area: 'app' | 'console', totp?: Buffer) {
  step = `${username} signs in`;
  return signIn(browser!, origin, username, area, { pages, problems }, totp);
}

async function run(): Promise<Record<string, unknown>> {
  const chromium = debianPeer('chromium', 'chromium');
  if (chromium.skip !== undefined) throw new Error(chromium.skip);
  step = 'server starts';
  const started = await startWebPalisade();
  p = started.p;
  const origin = started.origin;
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

  const ann = await person(origin, 'ann', 'app');
  const bob = await person(origin, 'bob', 'app');
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
  const cat = await person(origin, 'cat', 'app');
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
  const console_ = await person(origin, 'audrey', 'console', totpSecret);
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
