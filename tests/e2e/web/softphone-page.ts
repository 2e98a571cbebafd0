/**
 * What the softphone scenarios share: page-side helpers injected into every
 * browser context (the app's RTCPeerConnections kept for their stats, DTMF
 * tones collected), signing a person in to the web app, reading inbound
 * audio twice, and the test-side check that audio arrived and kept arriving.
 * Used by softphone-call-scenario.ts (browser ↔ browser) and
 * softphone-baresip-scenario.ts (browser ↔ baresip).
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { totpCode } from '@palisade/security';
import { PASSWORD } from '../identity/identity-fixtures.ts';
import { watchProblems } from '../../support/web-browser.ts';

/**
 * Page-side helpers, injected before the app loads (through CDP, so outside
 * the app's CSP; Node has no DOM types to check them against): every
 * RTCPeerConnection the app makes is kept where the test can read its stats,
 * and the DTMF sender's tonechange events (each fires as a tone goes out on
 * RTP) are collected.
 */
export const PAGE_HELPERS = `(() => {
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
export interface Helpers {
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

export interface Pair {
  readonly first: Reading;
  readonly second: Reading;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Opens a browser context for one person and signs them in: to the user app
 * (waits until the phone is registered) or to the console (with a TOTP code
 * when a secret is given). Pages and their CSP problems are collected in
 * `into`.
 */
export async function signIn(
  browser: Browser,
  origin: string,
  username: string,
  area: 'app' | 'console',
  into: { pages: Page[]; problems: string[] },
  totpSecret?: Buffer,
): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 900, height: 900 },
  });
  await context.addInitScript(PAGE_HELPERS);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  into.pages.push(page);
  const seen = watchProblems(page);
  page.on('close', () => into.problems.push(...seen.map((x) => `${username}: ${x}`)));
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
  return page;
}

/** Two readings a second and a half apart. */
export async function twoReadings(page: Page): Promise<Pair> {
  const first = await page.evaluate<Reading | null>('__readStats()');
  await sleep(1_500);
  const second = await page.evaluate<Reading | null>('__readStats()');
  if (!first || !second) throw new Error('no peer connection');
  return { first, second };
}

export async function waitConnected(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as Helpers).__connected());
}

export const callState = (page: Page) => page.getByTestId('call-state');

/** Audio arrived and kept arriving between two readings, with sound in it (test side). */
export function hears(who: string, r: Pair): void {
  assert.equal(r.second.state, 'connected', `${who}: peer connection`);
  assert.ok(r.second.packets > r.first.packets, `${who}: inbound packets did not grow`);
  assert.ok(r.second.bytes > r.first.bytes, `${who}: inbound bytes did not grow`);
  assert.ok(r.first.energy > 0, `${who}: no audio energy`);
  assert.ok(r.second.energy > r.first.energy, `${who}: audio energy did not grow`);
}
