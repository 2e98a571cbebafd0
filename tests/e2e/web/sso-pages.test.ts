/**
 * Single sign-on pages in a real browser against a real server and real
 * peers (an `oidc-provider` IdP and OpenLDAP slapd on 127.0.0.1): an admin
 * adds an OpenID Connect provider in the console, "Test connection" names
 * the failing step for a broken issuer and passes against the IdP; the login
 * page offers "Sign in with …", which goes through the IdP's login page and
 * lands signed in; My security lists the linked identity, and a password
 * user links another and unlinks it; a directory provider's test connection
 * and sync dry run run from the console, and a directory user signs in
 * through the login form. No CSP violation or page error on the way.
 * Screenshots go to test-output/web/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { decodeBase32, totpCode } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { SipPalisade } from '../../support/sip-palisade.ts';
import { freeTcpPort } from '../../support/ports.ts';
import {
  browserSteps,
  ensureWebBuild,
  launchChromium,
  screenshotter,
  type FreshPage,
} from '../../support/web-browser.ts';
import { startWebPalisade } from '../../support/web-palisade.ts';
import { startOidcPeer, type OidcPeer } from '../../conformance/sso/oidc-provider-peer.ts';
import {
  startSlapd,
  SUFFIX,
  SVC_DN,
  SVC_PW,
  type Slapd,
} from '../../conformance/sso/slapd-peer.ts';
import { makeUser, PASSWORD } from '../identity/identity-fixtures.ts';

const chromiumPeer = debianPeer('chromium', 'chromium');
const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');
const shot = screenshotter('web');
const CLIENT_SECRET = 'palisade-test-client-secret-0123456789';

let p: SipPalisade;
let browser: Browser;
let origin: string;
let idp: OidcPeer | undefined;
let slapd: Slapd | undefined;
let slapdDir: string | undefined;
let adminTotp: Buffer;
let admin: FreshPage | undefined;

const { freshPage, use, withFailureShot } = browserSteps(() => browser, shot, 'sso-FAILED');

before(async () => {
  if (chromiumPeer.skip !== undefined) return;
  ensureWebBuild();
  ({ p, origin } = await startWebPalisade());
  // An admin with an authenticator app already confirmed (admins must have a second factor).
  const d = p.server.domain;
  const root = await makeUser(p, 'root', { admin: true });
  const begun = await d.identity.factors.beginTotp(
    { tenantId: d.defaultTenant.id, userId: root.id },
    'Palisade',
    'root',
    'app',
  );
  adminTotp = decodeBase32(begun.secret)!;
  await d.identity.factors.confirmTotp(root.id, begun.factor.id, totpCode(adminTotp, Date.now()));
  browser = await launchChromium(chromiumPeer.path, p.ca);
});

after(async () => {
  await browser?.close();
  await idp?.stop();
  await slapd?.stop();
  await p?.stop();
  if (slapdDir) rmSync(slapdDir, { recursive: true, force: true });
});

test(
  'console: an OIDC provider is added, a broken issuer is told in plain words, the real IdP passes',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      admin = await freshPage();
      const { page } = admin;
      await page.goto(`${origin}/login?to=console`);
      await page.getByLabel('Login name').fill('root');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The step after the one used to confirm the factor (a code is never accepted twice).
      await page.getByLabel('Code').fill(totpCode(adminTotp, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('navigation', { name: 'Console' }).waitFor();

      // The page sits in the console navigation beside the security settings.
      await page.getByRole('link', { name: 'Single sign-on' }).click();
      await page.getByRole('heading', { name: 'Single sign-on' }).waitFor();
      await page.getByText('No provider yet').waitFor();
      await page.getByRole('button', { name: 'New OpenID Connect provider' }).click();
      const form = page.getByRole('form', { name: 'New OpenID Connect provider' });
      // The Microsoft preset asks for the tenant id.
      await form.getByLabel('Preset').selectOption('microsoft');
      await form.getByLabel('Directory (tenant) ID').waitFor();
      await shot(page, 'sso-console-new-oidc-microsoft');
      // Nothing listens on this port: the issuer is broken.
      const deadPort = await freeTcpPort();
      await form.getByLabel('Preset').selectOption('generic');
      await form.getByLabel('Name on the login page').fill('Corp IdP');
      await form.getByLabel('Issuer URL').fill(`http://127.0.0.1:${deadPort}`);
      await form.getByLabel('Client ID').fill('palisade-test');
      await form.getByLabel('Client secret', { exact: true }).fill(CLIENT_SECRET);
      await form.getByLabel(/Create an account at the first sign-in/).check();
      await form.getByLabel('Allowed e-mail domains').fill('corp.test');
      await form.getByText('Advanced').click();
      await form.getByLabel(/Allow plain http:\/\//).check();
      await form.getByRole('button', { name: 'Add provider' }).click();

      // The provider's page shows the exact redirect URI to copy into the IdP.
      await page.getByRole('heading', { name: 'Corp IdP' }).waitFor();
      const redirectUri = (await page.getByTestId('redirect-uri').textContent()) ?? '';
      assert.match(redirectUri, new RegExp(`^${origin}/api/v1/sso/oidc/[0-9a-f-]{36}/callback$`));
      // The secret is write-only: not on the page, not in the form.
      assert.ok(!(await page.content()).includes(CLIENT_SECRET));
      const settings = page.getByRole('form', { name: 'OpenID Connect settings' });
      assert.equal(await settings.getByLabel('Client secret', { exact: true }).inputValue(), '');
      await page.getByText('A value is set.').waitFor();

      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByLabel('Connection test result');
      await result.getByText('Connection failed at “Discovery”').waitFor();
      assert.match((await result.textContent()) ?? '', /the issuer refused the connection/);
      await shot(page, 'sso-console-test-connection-failed');

      // The real IdP, with the redirect URI the console showed.
      idp = await startOidcPeer(() => [redirectUri]);
      idp.accounts.set('alice', {
        password: 'alice-idp-pw',
        email: 'alice@corp.test',
        emailVerified: true,
        name: 'Alice Adams',
      });
      idp.accounts.set('mallory', {
        password: 'mallory-idp-pw',
        email: 'mallory@elsewhere.test',
        emailVerified: true,
        name: 'Mallory',
      });
      await settings.getByLabel('Issuer URL').fill(idp.issuer);
      await settings.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved.').waitFor();
      await page.getByRole('button', { name: 'Test connection' }).click();
      await result.getByText('Connection works: every step passed.').waitFor();
      assert.match((await result.textContent()) ?? '', /Signing keys: the key set holds 1 RS256/);
      await shot(page, 'sso-console-test-connection-ok');

      await page.getByRole('button', { name: 'Enable provider' }).click();
      await page.getByRole('button', { name: 'Disable provider' }).waitFor();
      const stored = (
        await p.server.domain.store.ssoProviders.list(p.server.domain.defaultTenant.id)
      )[0];
      assert.equal(stored?.enabled, true);
      assert.ok(stored?.sealedSecret && !stored.sealedSecret.includes(CLIENT_SECRET));
      await page.getByLabel('Theme').selectOption('dark');
      await shot(page, 'sso-console-provider-dark');
      await page.getByLabel('Theme').selectOption('light');
      // Phone-sized: the page fits the width (the redirect URI wraps).
      await page.setViewportSize({ width: 375, height: 740 });
      assert.equal(
        await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'),
        true,
        'no horizontal scrolling on a phone-sized window',
      );
      await shot(page, 'sso-console-provider-phone');
      await page.setViewportSize({ width: 1100, height: 800 });
      assert.deepEqual(admin.problems, []);
    }),
);

test(
  'login page: Sign in with … goes through the IdP and lands signed in; My security lists the identity',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      assert.ok(idp, 'runs after the console test started the IdP');
      const { context, page, problems } = await freshPage();
      await page.goto(`${origin}/login`);
      const signInWith = page.getByRole('link', { name: 'Sign in with Corp IdP' });
      await signInWith.waitFor();
      await shot(page, 'sso-login-page');

      // An identity whose domain may not be created is refused, in plain words.
      await signInWith.click();
      await page.waitForURL((u) => u.href.startsWith(`${idp!.issuer}/interaction/`));
      await page.fill('#login', 'mallory');
      await page.fill('#password', 'mallory-idp-pw');
      await page.click('#submit');
      await page.getByText('No Palisade account is linked to that identity').waitFor();
      assert.equal(new URL(page.url()).search, '', 'the error category left the address bar');
      await shot(page, 'sso-login-refused');
      // The IdP remembers mallory's session: forget it to sign in as someone else.
      await context.clearCookies();

      await page.getByRole('link', { name: 'Sign in with Corp IdP' }).click();
      await page.waitForURL((u) => u.href.startsWith(`${idp!.issuer}/interaction/`));
      await shot(page, 'sso-idp-login-page');
      await page.fill('#login', 'alice');
      await page.fill('#password', 'alice-idp-pw');
      await page.click('#submit');
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      assert.ok(page.url().startsWith(`${origin}/app`));
      await shot(page, 'sso-signed-in');

      await page.getByRole('link', { name: 'My security' }).click();
      const identities = page.getByRole('table', { name: 'My sign-in identities' });
      const row = identities.getByRole('row').filter({ hasText: 'alice@corp.test' });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /Corp IdP/);
      await shot(page, 'sso-my-security-identities');
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  'My security: a password user links an IdP identity, then unlinks it',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      assert.ok(idp, 'runs after the console test started the IdP');
      idp.accounts.set('ann-at-idp', {
        password: 'ann-idp-pw',
        email: 'ann@corp.test',
        emailVerified: true,
        name: 'Ann Example',
      });
      await makeUser(p, 'ann');
      const { context, page, problems } = await freshPage();
      await page.goto(`${origin}/login`);
      await page.getByLabel('Login name').fill('ann');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await page.getByRole('link', { name: 'My security' }).click();
      await page.getByText('None linked.').waitFor();
      await page.getByRole('button', { name: 'Link a Corp IdP account' }).click();
      await page.waitForURL((u) => u.href.startsWith(`${idp!.issuer}/interaction/`));
      await page.fill('#login', 'ann-at-idp');
      await page.fill('#password', 'ann-idp-pw');
      await page.click('#submit');
      await page.getByText('Identity linked: you can sign in with it now.').waitFor();
      const row = page.getByRole('row').filter({ hasText: 'ann@corp.test' });
      await row.waitFor();
      await shot(page, 'sso-identity-linked');
      await row.getByRole('button', { name: 'Unlink' }).click();
      await page.getByText('None linked.').waitFor();
      const d = p.server.domain;
      const ann = await d.store.users.findByUsername(d.defaultTenant.id, 'ann');
      assert.equal((await d.sso.identities.listOfUser(ann!.id)).length, 0);
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  'console: a directory provider is added, tested and dry-run synced; a directory user signs in',
  { skip: chromiumPeer.skip ?? slapdBin.skip ?? ldapUtils.skip },
  async () =>
    withFailureShot(async () => {
      assert.ok(admin, 'runs after the console test signed the admin in');
      slapdDir = mkdtempSync(join(tmpdir(), 'palisade-sso-web-slapd-'));
      slapd = await startSlapd(slapdBin.path!, slapdDir);
      const d = p.server.domain;
      await d.store.groups.create({ tenantId: d.defaultTenant.id, name: 'Sales' });
      const { page, problems } = admin;
      use(page);
      await page.reload();
      await page.getByRole('button', { name: 'New directory (LDAP / AD)' }).click();
      const form = page.getByRole('form', { name: 'New directory provider' });
      assert.equal(await form.getByLabel('Login name').inputValue(), 'sAMAccountName');
      await form.getByLabel('Preset').selectOption('openldap');
      assert.equal(await form.getByLabel('Login name').inputValue(), 'uid');
      await form.getByLabel('Preset').selectOption('active-directory');
      await form.getByLabel('Name', { exact: true }).fill('Corp AD');
      await form.getByLabel('TLS').selectOption('starttls');
      await form.getByLabel('Server URL').fill(slapd.ldapUrl);
      await form.getByLabel('CA certificate (PEM)').fill(slapd.ca.caPem);
      // Relaxing certificate checks is loud.
      await form.getByLabel(/Accept any certificate/).check();
      await form.getByText('Certificate checks are off').waitFor();
      await shot(page, 'sso-console-ldap-any-certificate-warning');
      await form.getByLabel(/Accept any certificate/).uncheck();
      await form.getByLabel('Service account DN').fill(SVC_DN);
      await form.getByLabel('Service account password', { exact: true }).fill(SVC_PW);
      await form.getByLabel('Base DN of users').fill(`ou=ad,${SUFFIX}`);
      await form.getByLabel('User filter').fill('(objectClass=palisadeAdUser)');
      // slapd has no objectGUID: entryUUID is the stable id there.
      await form.getByLabel('Stable unique id').fill('entryUUID');
      await form.getByRole('button', { name: 'Add a group mapping' }).click();
      await form.getByLabel('Directory group DN 1').fill(`cn=Sales,ou=groups,${SUFFIX}`);
      await form.getByLabel('ACL group 1').selectOption({ label: 'Sales' });
      await form.getByRole('button', { name: 'Add directory' }).click();

      await page.getByRole('heading', { name: 'Corp AD' }).waitFor();
      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByLabel('Connection test result');
      await result.getByText('Connection works: every step passed.').waitFor();
      assert.match((await result.textContent()) ?? '', /Service account/);
      await shot(page, 'sso-console-ldap-test-ok');

      // A dry run on the still disabled provider: the report, and nothing created.
      await page.getByRole('button', { name: 'Dry run' }).click();
      const report = page.getByLabel('Dry run report');
      await report.waitFor();
      const text = (await report.textContent()) ?? '';
      for (const name of ['alice', 'bob', 'carol']) assert.match(text, new RegExp(name));
      assert.match(text, /3 would be created/);
      assert.equal(await d.store.users.findByUsername(d.defaultTenant.id, 'bob'), null);
      await page.getByRole('row').filter({ hasText: 'dry run' }).waitFor();
      await shot(page, 'sso-console-ldap-dry-run');

      await page.getByRole('button', { name: 'Enable provider' }).click();
      await page.getByRole('button', { name: 'Disable provider' }).waitFor();
      assert.deepEqual(problems, []);

      // The login form signs a directory user in with the directory chosen.
      const user = await freshPage();
      await user.page.goto(`${origin}/login`);
      await user.page.getByLabel('Account').selectOption({ label: 'Corp AD (directory)' });
      await user.page.getByLabel('Login name').fill('bob');
      await user.page.getByLabel('Password').fill('Bob-pw-1');
      await shot(user.page, 'sso-login-directory');
      await user.page.getByRole('button', { name: 'Sign in' }).click();
      await user.page.getByRole('heading', { name: 'Phone' }).waitFor();
      assert.deepEqual(user.problems, []);
      await user.context.close();
    }),
);
