/**
 * Presence in the user app, in a real browser against a real server:
 * - a user picks "Do not disturb" in the Phone page's status: the server
 *   keeps it (GET /api/v1/me/presence, and it is their call-forwarding
 *   do-not-disturb), and a SIP call to them over WSS gets 486 Busy Here
 *   with a busy CDR; back to Available, a call rings them again;
 * - the Colleagues page shows a colleague Offline, Available once a phone
 *   of theirs registers, Away once they set it, and the user's own
 *   do-not-disturb.
 * No CSP violation or page error on the way; screenshots in test-output/web.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CLI_ACTOR, type User } from '@palisade/pbx';
import { debianPeer } from '../../support/debian.ts';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import { freeTcpPort } from '../../support/ports.ts';
import {
  ensureWebBuild,
  launchChromium,
  screenshotter,
  watchProblems,
  WEB_ROOT,
} from '../../support/web-browser.ts';
import { PLAIN_OFFER, WssSipPhone } from '../../support/wss-sip-phone.ts';
import { makeUser, PASSWORD } from '../identity/identity-fixtures.ts';

const peer = debianPeer('chromium', 'chromium');
const shot = screenshotter('web');

let p: TestPalisade;
let browser: Browser;
let origin: string;
let ann: User;
let bob: User;

before(async () => {
  if (peer.skip !== undefined) return;
  ensureWebBuild();
  const port = await freeTcpPort();
  origin = `https://localhost:${port}`;
  p = await startTestPalisade({
    PALISADE_HTTP_PORT: String(port),
    PALISADE_HTTP_PUBLIC_URL: origin,
    PALISADE_HTTP_WEB_ROOT: WEB_ROOT,
  });
  ann = await makeUser(p, 'ann', { extension: '201' });
  bob = await makeUser(p, 'bob', { extension: '202' });
  browser = await launchChromium(peer.path, p.ca);
});
after(async () => {
  await browser?.close();
  await p?.stop();
});

async function eventually(what: string, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await ok())) {
    if (Date.now() > deadline) assert.fail(what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function bobsPhone(): Promise<WssSipPhone> {
  const d = p.server.domain;
  const creds = await d.devices.add(CLI_ACTOR, {
    userId: bob.id,
    sipUsername: `bob-${Date.now()}`,
  });
  return WssSipPhone.connect(`wss://127.0.0.1:${p.server.httpsPort}/sip`, {
    ca: p.ca,
    servername: 'localhost',
    user: creds.sipUsername,
    password: creds.secret,
    domain: 'pbx.test',
  });
}

const annStatus = async () => (await p.server.sip.presence.get(CLI_ACTOR, ann.id)).status;

const colleague = (page: Page, extension: string) =>
  page.getByTestId(`colleague-${extension}`).getByTestId('presence-words');

test(
  'user app: do not disturb picked on the Phone page gives callers busy; colleagues’ lamps',
  { skip: peer.skip },
  async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = watchProblems(page);
    try {
      await page.goto(`${origin}/login`);
      await page.getByLabel('User app').check();
      await page.getByLabel('Login name').fill('ann');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await page.getByTestId('phone-status').getByText('Ready:').waitFor();

      await page.getByLabel('Status').selectOption('dnd');
      await eventually(
        'the server has ann on do-not-disturb',
        async () => (await annStatus()) === 'dnd',
      );
      const d = p.server.domain;
      assert.equal((await d.callSettings.forwarding(CLI_ACTOR, ann.id)).doNotDisturb, true);

      // a call to ann gets the do-not-disturb treatment: 486, a busy CDR, her browser never rings
      const caller = await bobsPhone();
      try {
        await assert.rejects(caller.call('201', PLAIN_OFFER), /INVITE got 486/);
      } finally {
        caller.close();
      }
      const cdrs = await d.store.cdrs.list({ tenantId: d.defaultTenant.id, userId: bob.id });
      assert.equal(cdrs[0]?.disposition, 'busy');
      assert.equal(await page.getByRole('alertdialog').count(), 0, 'no incoming call shown');

      // colleagues: bob offline, then available once a phone of his registers, then away
      await page.getByRole('link', { name: 'Colleagues' }).click();
      await page.getByRole('heading', { name: 'Colleagues' }).waitFor();
      await colleague(page, '202').getByText('Offline').waitFor();
      await colleague(page, '201').getByText('Do not disturb').waitFor();
      const desk = await bobsPhone();
      try {
        await desk.register();
        await colleague(page, '202').getByText('Available').waitFor();
        await p.server.sip.presence.set(
          { id: `user:${bob.id}`, tenantId: bob.tenantId, isSuperAdmin: false },
          bob.id,
          { status: 'away' },
        );
        await colleague(page, '202').getByText('Away').waitFor();
        await shot(page, 'app-colleagues');
      } finally {
        desk.close();
      }

      // back to available on the Phone page: calls get through again
      await page.getByRole('link', { name: 'Phone' }).click();
      assert.equal(await page.getByLabel('Status').inputValue(), 'dnd', 'kept across pages');
      await page.getByLabel('Status').selectOption('available');
      await eventually('ann is available again', async () => (await annStatus()) === 'available');
      assert.equal((await d.callSettings.forwarding(CLI_ACTOR, ann.id)).doNotDisturb, false);
      await page.reload();
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await eventually(
        'the status survives a reload',
        async () => (await page.getByLabel('Status').inputValue()) === 'available',
      );
      assert.deepEqual(problems, [], 'no CSP violation or page error');
    } catch (err) {
      if (!page.isClosed()) await shot(page, 'FAILED-presence').catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  },
);
