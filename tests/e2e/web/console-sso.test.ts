/**
 * Single sign-on into the admin console in headless Chromium, against a
 * real server and real peers (an `oidc-provider` IdP and OpenLDAP slapd on
 * 127.0.0.1): the console login's "Sign in with …" goes through the IdP's
 * page and Palisade's own TOTP step into the console; with the provider
 * trusted for MFA it lands in the console at once (the SameSite=Strict
 * cookie set on the way back from the IdP works for the console's requests);
 * a user without console access is told so on the login page; a directory
 * admin signs in to the console with the login form; the break-glass policy
 * and a user's "SSO only" switch are set in the console, and an SSO-only
 * admin's password login says why it is refused, then works as break-glass.
 * No CSP violation or page error on the way. Screenshots go to test-output/web/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { User } from '@palisade/pbx';
import { totpCode, type ProviderView } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { TestPalisade } from '../../support/palisade.ts';
import {
  browserSteps,
  ensureWebBuild,
  launchChromium,
  screenshotter,
  WEB_ROOT,
} from '../../support/web-browser.ts';
import type { OidcPeer } from '../../conformance/sso/oidc-provider-peer.ts';
import { startSlapd, SUFFIX, type Slapd } from '../../conformance/sso/slapd-peer.ts';
import {
  addLdapProvider,
  addOidcProvider,
  linkIdpAccount,
  startSsoServer,
  trustIdpMfa,
} from '../../conformance/sso/sso-server-setup.ts';
import { enrolTotp, makeUser, PASSWORD } from '../identity/identity-fixtures.ts';

const chromiumPeer = debianPeer('chromium', 'chromium');
const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');
const shot = screenshotter('web');

let p: TestPalisade;
let origin: string;
let browser: Browser;
let idp: OidcPeer;
let oidc: ProviderView;
let ada: User;
let adaSeed: Uint8Array;
let adaAtIdp: { login: string; password: string };
let slapd: Slapd | undefined;

const { freshPage, withFailureShot } = browserSteps(() => browser, shot, 'console-sso-FAILED');

/** From the console login, "Sign in with Corp IdP" and the IdP's own login page. */
async function signInThroughIdp(page: Page, who: { login: string; password: string }) {
  await page.goto(`${origin}/login?to=console`);
  assert.equal(await page.getByLabel('Admin console').isChecked(), true);
  const link = page.getByRole('link', { name: 'Sign in with Corp IdP' });
  assert.match((await link.getAttribute('href')) ?? '', /\/start\?client=console$/);
  await link.click();
  await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
  await page.fill('#login', who.login);
  await page.fill('#password', who.password);
  await page.click('#submit');
}

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies(origin)).find((c) => c.name === '__Host-palisade');
}

before(async () => {
  if (chromiumPeer.skip !== undefined) return;
  ensureWebBuild();
  ({ p, base: origin } = await startSsoServer('localhost', {
    PALISADE_HTTP_WEB_ROOT: WEB_ROOT,
  }));
  ({ provider: oidc, idp } = await addOidcProvider(p, 'Corp IdP'));
  ada = await makeUser(p, 'ada', { admin: true });
  adaSeed = await enrolTotp(p, ada);
  adaAtIdp = await linkIdpAccount(p, idp, oidc.id, ada);
  browser = await launchChromium(chromiumPeer.path, p.ca);
});

after(async () => {
  await browser?.close();
  await idp?.stop();
  await slapd?.stop();
  await p?.stop();
});

test(
  'console login: Sign in with … goes through the IdP, then Palisade asks the TOTP; break-glass and SSO only are set there',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      const { context, page, problems } = await freshPage();
      // The same button opens the user app when that is chosen.
      await page.goto(`${origin}/login`);
      const link = page.getByRole('link', { name: 'Sign in with Corp IdP' });
      assert.match((await link.getAttribute('href')) ?? '', /\/start$/);
      await page.getByLabel('Admin console').check();
      assert.match((await link.getAttribute('href')) ?? '', /\/start\?client=console$/);
      await shot(page, 'console-sso-login-page');

      await signInThroughIdp(page, adaAtIdp);
      await page.getByRole('heading', { name: 'Second step' }).waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the login token left the address bar');
      assert.equal(await sessionCookie(context), undefined, 'no session before the second factor');
      await shot(page, 'console-sso-second-step');
      await page.getByLabel('Code').fill(totpCode(adaSeed, Date.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('navigation', { name: 'Console' }).waitFor();
      assert.ok(new URL(page.url()).pathname.startsWith('/console'));
      assert.equal((await sessionCookie(context))?.sameSite, 'Strict');
      await shot(page, 'console-sso-signed-in');

      // Break-glass stays off until the tenant says otherwise.
      await page.getByRole('link', { name: 'Single sign-on' }).click();
      const policy = page.getByRole('form', { name: 'Sign-in policy' });
      const breakGlass = policy.getByLabel(/keep their local password \(break-glass/);
      assert.equal(await breakGlass.isChecked(), false);
      await breakGlass.check();
      await policy.getByRole('button', { name: 'Save policy' }).click();
      await policy.getByText('Saved.').waitFor();
      await shot(page, 'console-sso-break-glass-policy');
      const d = p.server.domain;
      assert.equal(
        (await d.sso.policies.tenantPolicy(d.defaultTenant.id)).breakGlassLocalAdmin,
        true,
      );

      // sam, an admin with a local password, is made "SSO only" on his page.
      const sam = await makeUser(p, 'sam', { admin: true });
      await page.getByRole('link', { name: 'Users and devices' }).click();
      await page.getByRole('button', { name: 'sam', exact: true }).click();
      const ssoOnly = page.getByLabel(/SSO only: sign in through an identity provider/);
      assert.equal(await ssoOnly.isChecked(), false);
      await Promise.all([
        page.waitForResponse(
          (r) => r.url().endsWith(`/users/${sam.id}/sso-only`) && r.request().method() === 'PUT',
        ),
        ssoOnly.check(),
      ]);
      assert.equal(await d.sso.policies.isSsoOnly(sam.id), true);
      await shot(page, 'console-sso-user-sso-only');
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  "an SSO-only admin's password: refused in plain words, then break-glass (with TOTP) when the tenant allows it",
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      const d = p.server.domain;
      const sam = (await d.store.users.findByUsername(d.defaultTenant.id, 'sam'))!;
      assert.ok(await d.sso.policies.isSsoOnly(sam.id), 'runs after the console test');
      const samSeed = await enrolTotp(p, sam);
      await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: false });
      const { context, page, problems } = await freshPage();
      const passwordLogin = async () => {
        await page.goto(`${origin}/login?to=console`);
        await page.getByLabel('Login name').fill('sam');
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };
      await passwordLogin();
      await page.getByText('wrong user name or password').waitFor();
      await shot(page, 'console-sso-only-refused');

      await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: true });
      await passwordLogin();
      await page.getByLabel('Code').fill(totpCode(samSeed, Date.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('navigation', { name: 'Console' }).waitFor();
      const events = await d.store.auditLog.query({ actionPrefix: 'auth.break-glass' });
      assert.ok(events.entries.some((e) => e.target === `user:${sam.id}`));
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  'a user without console access is told so on the console login page',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      const nick = await makeUser(p, 'nick');
      const nickAtIdp = await linkIdpAccount(p, idp, oidc.id, nick);
      const { context, page, problems } = await freshPage();
      await signInThroughIdp(page, nickAtIdp);
      await page.getByText('This account has no access to the admin console').waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(new URL(page.url()).searchParams.get('sso_error'), null);
      assert.equal(await sessionCookie(context), undefined);
      await shot(page, 'console-sso-no-console-access');
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  'trusted for MFA: the IdP sign-in lands in the console at once, with the Strict cookie set on the way back',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      await trustIdpMfa(p, oidc, idp.issuer, true);
      try {
        const { context, page, problems } = await freshPage();
        await signInThroughIdp(page, adaAtIdp);
        await page.getByRole('navigation', { name: 'Console' }).waitFor();
        assert.equal((await sessionCookie(context))?.sameSite, 'Strict');
        await page.getByRole('link', { name: 'Users and devices' }).click();
        await page.getByRole('button', { name: 'ada', exact: true }).waitFor();
        await shot(page, 'console-sso-trusted-mfa');
        assert.deepEqual(problems, []);
        await context.close();
      } finally {
        await trustIdpMfa(p, oidc, idp.issuer, false);
      }
    }),
);

test(
  'a directory admin signs in to the console with the login form (a second factor to enrol first)',
  { skip: chromiumPeer.skip ?? slapdBin.skip ?? ldapUtils.skip },
  async () =>
    withFailureShot(async () => {
      const d = p.server.domain;
      slapd = await startSlapd(slapdBin.path!, p.dataDir);
      const admins = (await d.store.groups.findByName(d.defaultTenant.id, 'Admins'))!;
      await addLdapProvider(p, slapd, [
        { ldapGroupDn: `cn=Engineering,ou=groups,${SUFFIX}`, groupId: admins.id },
      ]);
      const { context, page, problems } = await freshPage();
      await page.goto(`${origin}/login?to=console`);
      await page.getByLabel('Account').selectOption({ label: 'Corp AD (directory)' });
      await page.getByLabel('Login name').fill('bob');
      await page.getByLabel('Password').fill('Bob-pw-1');
      await shot(page, 'console-sso-directory-login');
      await page.getByRole('button', { name: 'Sign in' }).click();
      // A new directory admin has no second factor: My security first, in the console session.
      await page.getByText('Your organisation requires a second factor').waitFor();
      assert.equal(new URL(page.url()).pathname, '/app/security');
      assert.equal((await sessionCookie(context))?.sameSite, 'Strict');
      const bob = await d.store.users.findByUsername(d.defaultTenant.id, 'bob');
      const logins = await d.store.auditLog.query({ actionPrefix: 'auth.login' });
      assert.ok(
        logins.entries.some(
          (e) =>
            e.target === `user:${bob?.id ?? ''}` &&
            e.outcome === 'success' &&
            e.detail['method'] === 'ldap' &&
            e.detail['area'] === 'console',
        ),
      );
      await shot(page, 'console-sso-directory-enrol');
      assert.deepEqual(problems, []);
      await context.close();
    }),
);
