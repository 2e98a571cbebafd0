/**
 * Call settings and passkeys in the web app, in a real browser against a
 * real server:
 * - the admin (signed in with TOTP) edits the dial plan on the console's
 *   Dial plan page and adds, edits and removes a ring group: saved, there
 *   after a reload, a bad entry answered with an error in plain words;
 * - a user turns on do-not-disturb under My calls: the server has it, and a
 *   SIP call to them over WSS gets 486 Busy Here; turned off, it is gone;
 * - a user enrols a passkey on My security (a CDP virtual authenticator),
 *   signs out, and signs in with it on the login page's second step.
 * No CSP violation or page error on the way; screenshots in test-output/web.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CLI_ACTOR, type User } from '@palisade/pbx';
import { totpCode } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { SipPalisade } from '../../support/sip-palisade.ts';
import {
  browserSteps,
  ensureWebBuild,
  launchChromium,
  screenshotter,
} from '../../support/web-browser.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';
import { PLAIN_OFFER, WssSipPhone } from '../../support/wss-sip-phone.ts';
import { enrolTotp, makeUser, PASSWORD } from '../identity/identity-fixtures.ts';

const peer = debianPeer('chromium', 'chromium');
const shot = screenshotter('web');

let p: SipPalisade;
let browser: Browser;
let origin: string;
let adminSeed: Uint8Array;
let ann: User;
const { freshPage, withFailureShot } = browserSteps(() => browser, shot, 'FAILED');

before(async () => {
  if (peer.skip !== undefined) return;
  ensureWebBuild();
  ({ p, origin } = await startWebPalisade());
  const root = await makeUser(p, 'root', { admin: true, extension: '100' });
  adminSeed = await enrolTotp(p, root);
  ann = await makeUser(p, 'ann', { extension: '201' });
  await makeUser(p, 'bob', { extension: '202' });
  browser = await launchChromium(peer.path, p.ca);
});
after(async () => {
  await browser?.close();
  await p?.stop();
});

async function signIn(page: Page, username: string, area: 'app' | 'console') {
  await page.goto(`${origin}/login${area === 'console' ? '?to=console' : ''}`);
  await page.getByLabel(area === 'console' ? 'Admin console' : 'User app').check();
  await page.getByLabel('Login name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test(
  'console: the admin edits the dial plan and adds, edits and removes a ring group',
  { skip: peer.skip },
  async () =>
    withFailureShot(async () => {
      const { context, page, problems } = await freshPage();
      await signIn(page, 'root', 'console');
      await page.getByRole('heading', { name: 'Second step' }).waitFor();
      await page.getByLabel('Code').fill(totpCode(adminSeed, Date.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'System status' }).waitFor();

      await page.getByRole('link', { name: 'Dial plan' }).click();
      await page.getByRole('heading', { name: 'Dial plan', level: 1 }).waitFor();
      const plan = page.getByRole('form', { name: 'Dial plan' });
      assert.equal(await plan.getByLabel('Emergency numbers').inputValue(), '112 911');
      await plan.getByLabel('Emergency numbers').fill('112 999');
      await plan.getByLabel('International prefixes').fill('00, +');
      await plan.getByLabel('No-answer timeout (seconds)').fill('25');
      await plan.getByLabel('SRTP towards SIP phones').selectOption('always');
      await plan.getByRole('button', { name: 'Save dial plan' }).click();
      await page.getByText('Dial plan saved.').waitFor();

      const add = page.getByRole('form', { name: 'New ring group' });
      await add.getByLabel('Extension').fill('600');
      await add.getByLabel('Name').fill('Sales');
      await add.getByLabel('How it rings').selectOption('sequential');
      await add.getByLabel('Members').fill('201 202');
      await add.getByLabel('Seconds each member rings').fill('15');
      await add.getByRole('button', { name: 'Add ring group' }).click();
      await page.getByText('Ring group 600 added.').waitFor();
      await shot(page, 'console-dial-plan');

      // A bad entry: the server's refusal, in the form's words, and nothing stored.
      await add.getByLabel('Extension').fill('601');
      await add.getByLabel('Members').fill('201 299');
      await add.getByRole('button', { name: 'Add ring group' }).click();
      const alert = add.getByRole('alert');
      await alert.waitFor();
      assert.equal(await alert.textContent(), 'Ring group 601, members: no user has extension 299');
      await add.getByLabel('Extension').fill('201');
      await add.getByLabel('Members').fill('202');
      await add.getByRole('button', { name: 'Add ring group' }).click();
      await add.getByText('Ring group 201, extension: 201 is the extension of ann').waitFor();
      await shot(page, 'console-dial-plan-bad-entry');

      // Saved: there after a reload, and on the server.
      await page.reload();
      await page.getByRole('heading', { name: 'Dial plan', level: 1 }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'Sales' });
      await row.waitFor();
      assert.match(
        (await row.textContent()) ?? '',
        /600.*One after another, 15 s each.*201 \(ann tester\), 202 \(bob tester\)/,
      );
      assert.equal(await page.getByRole('row').filter({ hasText: '601' }).count(), 0);
      assert.equal(await plan.getByLabel('Emergency numbers').inputValue(), '112 999');
      assert.equal(await plan.getByLabel('SRTP towards SIP phones').inputValue(), 'always');
      const d = p.server.domain;
      const stored = await d.callSettings.get(CLI_ACTOR, d.defaultTenant.id);
      assert.deepEqual(stored.emergencyNumbers, ['112', '999']);
      assert.deepEqual(stored.internationalPrefixes, ['00', '+']);
      assert.equal(stored.noAnswerSeconds, 25);
      assert.deepEqual(stored.ringGroups, [
        {
          extension: '600',
          name: 'Sales',
          strategy: 'sequential',
          members: ['201', '202'],
          ringSeconds: 15,
        },
      ]);

      // Edit: only bob rings now.
      await page.getByRole('button', { name: 'Edit ring group 600' }).click();
      const edit = page.getByRole('form', { name: 'Edit ring group 600' });
      await edit.getByLabel('Members').fill('202');
      await edit.getByRole('button', { name: 'Save ring group' }).click();
      await page.getByText('Ring group 600 saved.').waitFor();
      assert.deepEqual(
        (await d.callSettings.get(CLI_ACTOR, d.defaultTenant.id)).ringGroups[0]?.members,
        ['202'],
      );

      // A phone-sized window: the page fits (the table scrolls on its own).
      await page.setViewportSize({ width: 375, height: 740 });
      assert.ok(
        await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'),
        'no sideways scrolling of the page',
      );
      await shot(page, 'console-dial-plan-phone-sized');
      await page.setViewportSize({ width: 1100, height: 800 });

      // Remove, after a confirmation step.
      await page.getByRole('button', { name: 'Remove ring group 600' }).click();
      await page.getByRole('button', { name: 'Yes, remove 600' }).click();
      await page.getByText('Ring group 600 removed.').waitFor();
      await page.getByText('No ring groups yet.').waitFor();
      assert.deepEqual((await d.callSettings.get(CLI_ACTOR, d.defaultTenant.id)).ringGroups, []);
      const audit = await d.store.auditLog.query({ actionPrefix: 'call-settings.update' });
      assert.ok(
        audit.entries.some((e) => e.outcome === 'failure'),
        'refusals are audited too',
      );
      assert.deepEqual(problems, [], 'no CSP violation or page error');
      await context.close();
    }),
);

test(
  'user app: do not disturb under My calls makes the server answer calls busy',
  { skip: peer.skip },
  async () =>
    withFailureShot(async () => {
      const { context, page, problems } = await freshPage();
      await signIn(page, 'ann', 'app');
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await page.getByRole('link', { name: 'My calls' }).click();
      await page.getByRole('heading', { name: 'My calls' }).waitFor();
      await page.getByText('Now: Available').waitFor();
      await page.getByLabel('Do not disturb').check();
      await page.getByText('Now: Do not disturb').waitFor();
      const d = p.server.domain;
      const dnd = async () => (await d.callSettings.forwarding(CLI_ACTOR, ann.id)).doNotDisturb;
      const deadline = Date.now() + 10_000;
      while (!(await dnd()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await dnd(), true, 'the server has do-not-disturb on');

      // Forwarding: a bad target gets plain words; a good one is saved.
      const fwd = page.getByRole('form', { name: 'Call forwarding' });
      await fwd.getByLabel('When not answered, forward to').fill('201');
      await fwd.getByRole('button', { name: 'Save forwarding' }).click();
      await fwd
        .getByText("When not answered, forward to: 201 is the user's own extension")
        .waitFor();
      await fwd.getByLabel('When not answered, forward to').fill('202');
      await fwd.getByRole('button', { name: 'Save forwarding' }).click();
      await fwd.getByText('Forwarding saved.').waitFor();
      await shot(page, 'app-my-calls-dnd');
      assert.deepEqual(await d.callSettings.forwarding(CLI_ACTOR, ann.id), {
        doNotDisturb: true,
        unconditional: null,
        busy: null,
        noAnswer: '202',
      });

      // A SIP call to ann now gets 486 Busy Here from the server.
      const bob = await d.store.users.findByExtension(d.defaultTenant.id, '202');
      const creds = await d.devices.add(CLI_ACTOR, { userId: bob!.id, sipUsername: 'bob-desk' });
      const caller = await WssSipPhone.connect(`wss://127.0.0.1:${p.server.httpsPort}/sip`, {
        ca: p.ca,
        servername: 'localhost',
        user: creds.sipUsername,
        password: creds.secret,
        domain: 'pbx.test',
      });
      try {
        await assert.rejects(caller.call('201', PLAIN_OFFER), /INVITE got 486/);
      } finally {
        caller.close();
      }
      const cdrs = await d.store.cdrs.list({ tenantId: d.defaultTenant.id, userId: bob!.id });
      assert.equal(cdrs[0]?.disposition, 'busy');

      // The status survives a reload (it lives on the server) and turns off again.
      await page.reload();
      await page.getByText('Now: Do not disturb').waitFor();
      await page.getByLabel('Available').check();
      await page.getByText('Now: Available').waitFor();
      const until = Date.now() + 10_000;
      while ((await dnd()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await dnd(), false);
      assert.equal(
        (await d.callSettings.forwarding(CLI_ACTOR, ann.id)).noAnswer,
        '202',
        'turning do-not-disturb off keeps the forwarding',
      );
      assert.deepEqual(problems, [], 'no CSP violation or page error');
      await context.close();
    }),
);

test(
  'a passkey enrolled on My security signs the user in from the login page',
  { skip: peer.skip },
  async () =>
    withFailureShot(async () => {
      const user = await makeUser(p, 'pia', { extension: '203' });
      const { context, page, problems } = await freshPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      await signIn(page, 'pia', 'app');
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await page.getByRole('link', { name: 'My security' }).click();
      const reauth = page.getByRole('form', { name: 'Confirm it is you' });
      await reauth.getByLabel('Current password').fill(PASSWORD);
      await reauth.getByRole('button', { name: 'Confirm' }).click();
      await page.getByText('Confirmed:').waitFor();
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.locator('li', { hasText: 'passkey' }).waitFor();
      await shot(page, 'app-passkey-enrolled');
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(credentials.length, 1, 'the virtual authenticator holds one passkey');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Palisade' }).waitFor();
      await signIn(page, 'pia', 'app');
      await page.getByRole('heading', { name: 'Second step' }).waitFor();
      const choice = page.getByRole('radio', { name: 'Passkey' });
      if ((await choice.count()) > 0) await choice.check();
      await shot(page, 'app-passkey-second-step');
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await shot(page, 'app-signed-in-with-passkey');
      const factor = (await p.server.domain.store.mfaFactors.listOfUser(user.id)).find(
        (f) => f.kind === 'passkey',
      );
      assert.ok(factor && factor.lastUsedAt !== null, 'the passkey was used to sign in');
      assert.deepEqual(problems, [], 'no CSP violation or page error');
      await context.close();
    }),
);
