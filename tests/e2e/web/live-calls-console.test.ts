/**
 * The console's live pages in a real browser against a real server and
 * real SIP peers (SIPp on 127.0.0.1): an admin signs in with a TOTP code,
 * opens Registrations and sees the callee's registration appear without a
 * reload; opens Live calls and sees a SIPp call (G.711 RTP) appear while it
 * is up, with both parties, the state and each phone's transport and media;
 * hangs it up from the page; the call leaves the list and the Call records
 * page lists it. No CSP violation or page error on the way. The browser only
 * views the console, so no network namespace is needed. Screenshots go to
 * test-output/web/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { totpCode } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { RunningPeer } from '../../support/process.ts';
import { addDevices, type SipPalisade } from '../../support/sip-palisade.ts';
import type { TestDevice } from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig } from '../../support/sipp-calls.ts';
import {
  ensureWebBuild,
  launchChromium,
  screenshotter,
  watchProblems,
} from '../../support/web-browser.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';
import { enrolTotp, makeUser, PASSWORD } from '../identity/identity-fixtures.ts';

const chromium = debianPeer('chromium', 'chromium');
const sipp = chromium.skip ? chromium : debianPeer('sip-tester', 'sipp');
const shot = screenshotter('web');

let p: SipPalisade;
let browser: Browser | undefined;
let rig: SippCallRig | undefined;
let run: RunningPeer | undefined;
let page: Page | undefined;
let origin: string;
let seed: Uint8Array;
let caller: TestDevice;
let callee: TestDevice;

before(async () => {
  if (sipp.skip !== undefined) return;
  ensureWebBuild();
  ({ p, origin } = await startWebPalisade({
    // SIPp 3.6 answers only the first challenge and knows MD5 alone
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_CALLS_DIGEST_URI: 'or-server',
    PALISADE_MEDIA_RTP_PORT_MIN: '48500',
    PALISADE_MEDIA_RTP_PORT_MAX: '48999',
  }));
  [caller] = (await addDevices(p, 1, 1000)) as [TestDevice];
  [callee] = (await addDevices(p, 1, 3000)) as [TestDevice];
  const root = await makeUser(p, 'root', { admin: true });
  seed = await enrolTotp(p, root);
  browser = await launchChromium(chromium.path!, p.ca);
});

after(async () => {
  await run?.stop();
  await browser?.close();
  await rig?.stop();
  await p?.stop();
});

test(
  'the console shows the registration and the live call without reload, hangs it up, then lists its CDR',
  { skip: sipp.skip },
  async () => {
    const context = await browser!.newContext({ viewport: { width: 1200, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('dialog', (d) => void d.accept());
    const problems = watchProblems(page);
    try {
      // 1. The admin signs in with a password and a TOTP code.
      await page.goto(`${origin}/login?to=console`);
      await page.getByLabel('Login name').fill('root');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Code').fill(totpCode(seed, Date.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      const nav = page.getByRole('navigation', { name: 'Console' });
      await nav.waitFor();

      // 2. Registrations: the callee registers while the page is open.
      await nav.getByRole('link', { name: 'Registrations' }).click();
      await page.getByRole('heading', { name: 'Live registrations' }).waitFor();
      await page.getByText('No device is registered.').waitFor();
      rig = await startSippCallRig(sipp.path!, p, [caller], [callee]);
      await page.getByRole('row').filter({ hasText: '3000@pbx.test' }).waitFor();
      await shot(page, 'live-registrations');

      // 3. Live calls: a call appears while it is up.
      await nav.getByRole('link', { name: 'Live calls' }).click();
      await page.getByRole('heading', { name: 'Live calls' }).waitFor();
      await page.getByText('No call in progress.').waitFor();
      const url = page.url();
      run = rig.startCalls({ calls: 1, rate: 1, holdMs: 60_000, maxMs: 90_000 });
      const row = page.getByRole('row').filter({ hasText: 'Talking' });
      await row.waitFor();
      assert.equal(page.url(), url, 'the page was not reloaded or left');
      const cells = await row.getByRole('cell').allTextContents();
      assert.equal(cells[0], 'User 1000 (1000)');
      assert.equal(cells[1], '3000 — User 3000');
      assert.equal(cells[2], 'Talking');
      assert.equal(cells[5], 'UDP · RTP');
      assert.equal(cells[6], 'UDP · RTP');
      await page.getByText('1 call in progress.').waitFor();
      await shot(page, 'live-calls-talking');
      // a phone-sized window keeps the table usable (it scrolls sideways)
      await page.setViewportSize({ width: 390, height: 800 });
      await row.getByRole('button', { name: /^Hang up/ }).waitFor();
      await shot(page, 'live-calls-phone-size');
      await page.setViewportSize({ width: 1200, height: 800 });

      // 4. The admin hangs it up: both phones get BYE, the call leaves the list.
      await row
        .getByRole('button', { name: 'Hang up the call from User 1000 (1000) to 3000' })
        .click();
      await page.getByText('No call in progress.').waitFor();
      assert.equal(await page.getByRole('row').filter({ hasText: 'Talking' }).count(), 0);
      await shot(page, 'live-calls-hung-up');
      const ended = await Promise.race([
        run.exited().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 30_000)),
      ]);
      assert.ok(ended, `the caller got the BYE; SIPp said:\n${run.output().slice(-2000)}`);

      // 5. Call records list it.
      await nav.getByRole('link', { name: 'Call records' }).click();
      await page.getByRole('heading', { name: 'Call records' }).waitFor();
      const record = page.getByRole('row').filter({ hasText: 'answered' });
      await record.waitFor();
      const recordCells = await record.getByRole('cell').allTextContents();
      assert.equal(recordCells[1], '1000');
      assert.equal(recordCells[2], '3000');
      await shot(page, 'live-calls-cdr');
      const cdrs = await p.server.domain.store.cdrs.list({
        tenantId: p.server.domain.defaultTenant.id,
      });
      assert.equal(cdrs.length, 1);
      assert.equal(cdrs[0]?.hangupCause, 'admin_hangup');
      assert.deepEqual(problems, [], 'no CSP violation or page error');
    } catch (err) {
      if (!page.isClosed()) await shot(page, 'live-calls-FAILED').catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  },
);
