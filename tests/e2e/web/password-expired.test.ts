/**
 * An expired password in a real browser: under the vendor-compat preset a
 * password older than 180 days lets its user sign in only to the
 * "password has expired" page; the same password is refused with the
 * server's reason, a new one opens the app. No CSP violation on the way.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { debianPeer } from '../../support/debian.ts';
import type { SipPalisade } from '../../support/sip-palisade.ts';
import {
  ensureWebBuild,
  launchChromium,
  screenshotter,
  watchProblems,
} from '../../support/web-browser.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';
import { makeUser } from '../identity/identity-fixtures.ts';

const peer = debianPeer('chromium', 'chromium');
const OLD = 'Old-Password 2025!';
const NEW = 'Fresh-Start 2026!';
const shot = screenshotter('web');
let p: SipPalisade;
let browser: Browser;
let origin: string;

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

test('an expired password must be changed before the app opens', { skip: peer.skip }, async () => {
  const d = p.server.domain;
  await d.identity.settings.set(d.defaultTenant.id, { passwordPreset: 'vendor-compat' });
  const user = await makeUser(p, 'expired', { password: OLD });
  await d.store.users.update(user.id, { passwordChangedAt: Date.now() - 181 * 86_400_000 });
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = watchProblems(page);
  try {
    await page.goto(`${origin}/login`);
    await page.getByLabel('Login name').fill('expired');
    await page.getByLabel('Password').fill(OLD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your password has expired' }).waitFor();
    await shot(page, 'password-expired');
    // The app's pages stay closed, even when asked for by address.
    await page.goto(`${origin}/app/security`);
    await page.getByRole('heading', { name: 'Your password has expired' }).waitFor();

    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('New password', { exact: true }).fill(OLD);
    await form.getByLabel('New password again').fill(OLD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('must differ from the current one').waitFor();
    await shot(page, 'password-expired-same-refused');

    await form.getByLabel('New password', { exact: true }).fill(NEW);
    await form.getByLabel('New password again').fill(NEW);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Your password has expired' }).waitFor({
      state: 'detached',
    });
    await page.getByRole('heading', { name: 'My security' }).waitFor();
    await shot(page, 'password-expired-changed');
    const after_ = await d.store.users.findById(user.id);
    assert.ok(after_!.passwordChangedAt! > Date.now() - 60_000, 'the new password is young');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await d.identity.settings.set(d.defaultTenant.id, { passwordPreset: 'standards' });
  }
});
