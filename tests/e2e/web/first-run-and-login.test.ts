/**
 * The web app in a real browser against a real server: first-run setup from
 * the setup link, the admin signs in to the console, creates a user, gives
 * them a password and a device (credentials shown once); the user signs in to
 * the user app, enrols an authenticator app (QR page, secret shown once),
 * and signs in again with a TOTP code; the console lists the user. No CSP
 * violation and no page error happen on the way. Screenshots at each step go
 * to test-output/web/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodeBase32, totpCode } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { SipPalisade } from '../../support/sip-palisade.ts';
import {
  browserSteps,
  ensureWebBuild,
  launchChromium,
  screenshotter,
  type FreshPage,
} from '../../support/web-browser.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';

const peer = debianPeer('chromium', 'chromium');
const ADMIN_PASSWORD = 'granite lantern orchard velvet 7';
const USER_PASSWORD = 'quiet meadow copper violin 91';
const shot = screenshotter('web');

let p: SipPalisade;
let browser: Browser;
let origin: string;
let adminSecret: Buffer | undefined;
let adminPage: FreshPage | undefined;
const { freshPage, use, withFailureShot } = browserSteps(() => browser, shot, 'FAILED');

before(async () => {
  if (peer.skip !== undefined) return;
  ensureWebBuild();
  ({ p, origin } = await startWebPalisade());
  browser = await launchChromium(peer.path, p.ca);
});
after(async () => {
  await browser?.close();
  await p?.stop();
});

/** On My security: confirm the password, add an authenticator app, confirm its first code. */
async function enrolTotp(page: Page, password: string, name: string): Promise<Buffer> {
  const reauth = page.getByRole('form', { name: 'Confirm it is you' });
  await reauth.getByLabel('Current password').fill(password);
  await reauth.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('Confirmed:').waitFor();
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  await page.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
  const secret = decodeBase32((await page.getByTestId('totp-secret').textContent()) ?? '');
  assert.ok(secret, 'the enrolment shows a base32 secret');
  await shot(page, `${name}-enrol`);
  const enrol = page.getByRole('form', { name: 'Set up an authenticator app' });
  await enrol.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
  await enrol.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('li', { hasText: 'totp' }).waitFor();
  await shot(page, `${name}-enrolled`);
  return secret;
}

async function signIn(page: Page, username: string, password: string, area: 'app' | 'console') {
  await page.goto(`${origin}/login${area === 'console' ? '?to=console' : ''}`);
  await page.getByLabel(area === 'console' ? 'Admin console' : 'User app').check();
  await page.getByLabel('Login name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test(
  'first-run setup, admin creates a user, the user signs in with TOTP',
  { skip: peer.skip },
  async () =>
    withFailureShot(async () => {
      // 1. The setup link the server announced opens the app's setup page.
      const link = /https:\/\/\S+\/setup\?token=[A-Za-z0-9_-]+/.exec(p.announced.join('\n'))?.[0];
      assert.ok(link, 'the server announces a setup link');
      const admin = await freshPage();
      let page = admin.page;
      const served = await page.goto(link);
      assert.equal(served?.status(), 200);
      assert.match(served?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      await page.getByRole('heading', { name: 'First-run setup' }).waitFor();
      await page.getByLabel('Login name').fill('root');
      await page.getByLabel('Display name').fill('Site Admin');
      await page.getByLabel('Extension').fill('100');
      await page.getByLabel('Passphrase', { exact: true }).fill(ADMIN_PASSWORD);
      await page.getByLabel('Passphrase again').fill(ADMIN_PASSWORD);
      await shot(page, 'setup-form');
      await page.getByRole('button', { name: 'Create the super-admin' }).click();
      await page.getByRole('heading', { name: 'Palisade is set up' }).waitFor();
      await shot(page, 'setup-done');
      assert.equal(await p.server.domain.setup.needed(), false);

      // 2. The admin signs in to the console.
      await page.getByRole('link', { name: 'Sign in to the console' }).click();
      await page.getByLabel('Admin console').waitFor();
      assert.equal(await page.getByLabel('Admin console').isChecked(), true);
      await page.getByLabel('Login name').fill('root');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Admins must have a second factor: the app sends them to enrol one first.
      await page.getByText('Your organisation requires a second factor').waitFor();
      adminSecret = await enrolTotp(page, ADMIN_PASSWORD, 'admin-totp');
      await page.getByRole('link', { name: 'Continue to the console' }).click();
      await page.getByRole('heading', { name: 'System status' }).waitFor();
      await page.getByText('Ready: every check passes.').waitFor();
      await shot(page, 'console-status');

      // 3. …creates a user, sets a password, adds a device.
      await page.getByRole('link', { name: 'Users and devices' }).click();
      await page.getByRole('heading', { name: 'Users and devices' }).waitFor();
      await page.getByRole('button', { name: 'New user' }).click();
      const form = page.getByRole('form', { name: 'New user' });
      await form.getByLabel('Login name').fill('ann');
      await form.getByLabel('Display name').fill('Ann Example');
      await form.getByLabel('Extension').fill('201');
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('heading', { name: 'Ann Example (ann)' }).waitFor();
      const setPw = page.getByRole('form', { name: 'Set password' });
      await setPw.getByLabel('New password').fill(USER_PASSWORD);
      await setPw.getByRole('button', { name: 'Set password' }).click();
      await page.getByText('Password set.').waitFor();
      const addDevice = page.getByRole('form', { name: 'Add a device' });
      await addDevice.getByLabel('Device label').fill('desk phone');
      await addDevice.getByRole('button', { name: 'Add device' }).click();
      const provisioning = page.getByLabel('Provisioning text');
      await provisioning.waitFor();
      const text = await provisioning.textContent();
      assert.match(text ?? '', /Username: {2}\S+/);
      assert.match(text ?? '', /Password: {2}\S{16,}/);
      assert.match(text ?? '', /Domain: {4}pbx\.test/);
      await shot(page, 'console-device-credentials');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      assert.equal(
        await page.getByLabel('Provisioning text').count(),
        0,
        'the secret is gone once dismissed',
      );
      // The console lists the user.
      const row = page.getByRole('row').filter({ hasText: 'Ann Example' });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /201/);
      await shot(page, 'console-users');
      assert.deepEqual(admin.problems, [], 'no CSP violation or page error in the console');
      // Nothing secret in web storage.
      const stored = await page.evaluate<string>(
        'JSON.stringify({ ...localStorage, ...sessionStorage })',
      );
      assert.doesNotMatch(stored, /root|granite|csrf|token|secret/i);
      await admin.context.close();

      // 4. The user signs in to the user app and enrols an authenticator app.
      const user = await freshPage();
      page = user.page;
      await signIn(page, 'ann', USER_PASSWORD, 'app');
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await page.getByRole('group', { name: 'Dial pad' }).waitFor();
      // The phone registered over WSS with short-lived SIP credentials minted from the session.
      await page.getByText(/Ready: [^@\s]+@pbx\.test/).waitFor();
      await shot(page, 'app-phone');
      await page.getByRole('link', { name: 'My security' }).click();
      const secret = await enrolTotp(page, USER_PASSWORD, 'app-totp');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Palisade' }).waitFor();

      // 5. Signing in again asks for the code; the next step's code (within the allowed drift, never a replay) works.
      await signIn(page, 'ann', USER_PASSWORD, 'app');
      await page.getByRole('heading', { name: 'Second step' }).waitFor();
      await shot(page, 'app-second-step');
      await page.getByLabel('Code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /not right/);
      await page.getByLabel('Code').fill(totpCode(secret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await shot(page, 'app-signed-in-with-totp');
      assert.deepEqual(user.problems, [], 'no CSP violation or page error in the user app');

      // A user-app session does not open the console.
      await page.goto(`${origin}/console/users`);
      await page.getByText('This session was opened for the user app').waitFor();
      await user.context.close();
    }),
);

test(
  'a phone-sized window folds the navigation behind a menu button',
  { skip: peer.skip },
  async () =>
    withFailureShot(async () => {
      const { context, page, problems } = await freshPage();
      await page.setViewportSize({ width: 375, height: 740 });
      await signIn(page, 'root', ADMIN_PASSWORD, 'console');
      assert.ok(adminSecret, 'runs after the first test enrolled the admin');
      await page.getByLabel('Code').fill(totpCode(adminSecret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'System status' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Console' });
      assert.equal(await nav.isVisible(), false);
      await page.getByRole('button', { name: 'Menu' }).click();
      assert.equal(await nav.isVisible(), true);
      await shot(page, 'phone-sized-console-menu');
      // Dark theme is an attribute on <html>, chosen from the header.
      await page.getByLabel('Theme').selectOption('dark');
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      await shot(page, 'phone-sized-dark');
      assert.deepEqual(problems, []);
      // The next test goes on in this signed-in console (a new sign-in would need a fresh TOTP step).
      adminPage = { context, page, problems };
    }),
);

test(
  'console: ACL editor saves a group, the audit log filters, security settings save',
  { skip: peer.skip },
  async () =>
    withFailureShot(async () => {
      assert.ok(adminPage, 'runs after the phone-sized test signed the admin in');
      const { context, page, problems } = adminPage;
      use(page);
      await page.setViewportSize({ width: 1100, height: 800 });
      await page.getByLabel('Theme').selectOption('light');

      // Groups: create one, grant it a permission in the ACL editor, add a member.
      await page.getByRole('link', { name: 'Groups and ACL' }).click();
      const newGroup = page.getByRole('form', { name: 'New group' });
      await newGroup.getByLabel('Name').fill('Reception');
      await newGroup.getByLabel('Description').fill('front desk');
      await newGroup.getByLabel(/Admin group/).check();
      await newGroup.getByRole('button', { name: 'Create group' }).click();
      await page.getByRole('heading', { name: 'Reception' }).waitFor();
      await page.getByLabel('view cdr').check();
      await page.getByLabel('webphone').check();
      await page.getByRole('button', { name: 'Save permissions' }).click();
      await page.getByText('Saved.').waitFor();
      const addMember = page.getByRole('form', { name: 'Add a member' });
      await addMember.getByLabel('User').selectOption({ label: 'Ann Example (ann)' });
      await addMember.getByRole('button', { name: 'Add member' }).click();
      await page.locator('li', { hasText: 'Ann Example' }).waitFor();
      await shot(page, 'console-groups-acl');
      const d = p.server.domain;
      const reception = await d.store.groups.findByName(d.defaultTenant.id, 'Reception');
      assert.ok(reception);
      assert.deepEqual([...reception.permissions].sort(), ['cdr:view', 'webphone']);

      // Audit log: filtered by action, only matching entries are listed.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { name: 'Audit log' }).waitFor();
      await page.getByLabel('Action').fill('user.create');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByRole('cell', { name: 'user.create' }).first().waitFor();
      const actions = await page.locator('tbody tr td:nth-child(3)').allTextContents();
      assert.ok(actions.length >= 1);
      assert.ok(
        actions.every((a) => a === 'user.create'),
        actions.join(', '),
      );
      await shot(page, 'console-audit-filtered');

      // Security settings: add a trusted origin and save; the server has it.
      await page.getByRole('link', { name: 'Security settings' }).click();
      await page.getByLabel(/One origin per line/).fill('https://intranet.example.com');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved.').waitFor();
      const settings = await d.identity.settings.get(d.defaultTenant.id);
      assert.deepEqual(settings.trustedOrigins, ['https://intranet.example.com']);
      await shot(page, 'console-security-settings');

      // Registrations: ann's web phone registered over WSS while she used the app;
      // her tab is closed now and a WSS binding ends with its connection (RFC 7118 §5).
      // Call records load.
      await page.getByRole('link', { name: 'Registrations' }).click();
      await page.getByText('No device is registered.').waitFor();
      await page.getByRole('link', { name: 'Call records' }).click();
      await page.getByRole('heading', { name: 'Call records' }).waitFor();
      await page.getByRole('link', { name: 'Backups' }).click();
      await page.getByText('Its place in the console is kept.').waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    }),
);
