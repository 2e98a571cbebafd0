/**
 * "Confirm it is you" for single sign-on accounts in headless Chromium,
 * against a real server and real peers (an `oidc-provider` IdP and OpenLDAP
 * slapd on 127.0.0.1):
 *
 * - An "SSO only" user signed in through the IdP sees "Confirm with Corp
 *   IdP" and no password field on My security; the IdP shows its login page
 *   again although it holds her session (`prompt=login`); back on My
 *   security she is confirmed and enrols an authenticator app.
 * - An SSO-only admin in the console (its SameSite=Strict cookie does not
 *   come back with the IdP's redirect) confirms at the IdP, then gives
 *   Palisade's TOTP code (the provider is not trusted for MFA), and gets new
 *   recovery codes.
 * - A directory user confirms with the directory password.
 * No CSP violation or page error on the way. Screenshots go to test-output/web/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { User } from '@palisade/pbx';
import { decodeBase32, totpCode, type ProviderView } from '@palisade/security';
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
import { startSlapd, type Slapd } from '../../conformance/sso/slapd-peer.ts';
import {
  addLdapProvider,
  addOidcProvider,
  linkIdpAccount,
  startSsoServer,
} from '../../conformance/sso/sso-server-setup.ts';
import { enrolTotp, makeUser } from '../identity/identity-fixtures.ts';

const chromiumPeer = debianPeer('chromium', 'chromium');
const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');
const shot = screenshotter('web');

let p: TestPalisade;
let origin: string;
let browser: Browser;
let idp: OidcPeer;
let oidc: ProviderView;
let slapd: Slapd | undefined;

const { freshPage, withFailureShot } = browserSteps(() => browser, shot, 'sso-reauth-FAILED');

before(async () => {
  if (chromiumPeer.skip !== undefined) return;
  ensureWebBuild();
  ({ p, base: origin } = await startSsoServer('localhost', { PALISADE_HTTP_WEB_ROOT: WEB_ROOT }));
  ({ provider: oidc, idp } = await addOidcProvider(p, 'Corp IdP'));
  browser = await launchChromium(chromiumPeer.path, p.ca);
});

after(async () => {
  await browser?.close();
  await idp?.stop();
  await slapd?.stop();
  await p?.stop();
});

/** The user's sessions were confirmed long ago: security changes need a new confirmation. */
async function makeStale(user: User): Promise<void> {
  const d = p.server.domain;
  for (const s of await d.identity.sessions.list({ userId: user.id }))
    await d.store.webSessions.update(s.id, { authenticatedAt: 0 });
}

/** At the IdP's own login page: signs in as `who`. */
async function atIdpLogin(page: Page, who: { login: string; password: string }): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
  await page.fill('#login', who.login);
  await page.fill('#password', who.password);
  await page.click('#submit');
}

/** Requests the IdP answered with its login form since `from`. */
const idpLoginPages = (from: number): number =>
  idp.seen.slice(from).filter((r) => /^GET \/interaction\/[^/]+$/.test(r)).length;

test(
  'an SSO-only user confirms at the IdP (asked to sign in again), then adds an authenticator app',
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      const d = p.server.domain;
      const sofia = await makeUser(p, 'sofia');
      const sofiaAtIdp = await linkIdpAccount(p, idp, oidc.id, sofia);
      await d.sso.policies.setSsoOnly(sofia.tenantId, sofia.id, true);
      const { context, page, problems } = await freshPage();
      await page.goto(`${origin}/login`);
      await page.getByRole('link', { name: 'Sign in with Corp IdP' }).click();
      await atIdpLogin(page, sofiaAtIdp);
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      await makeStale(sofia);

      await page.getByRole('link', { name: 'My security' }).click();
      const reauth = page.getByRole('region', { name: 'Confirm it is you' });
      const confirm = reauth.getByRole('button', { name: 'Confirm with Corp IdP' });
      await confirm.waitFor();
      // No local password anywhere: not to confirm, not to change.
      assert.equal(await page.getByLabel('Current password').count(), 0);
      assert.equal(await page.getByRole('form', { name: 'Change password' }).count(), 0);
      assert.equal(await page.locator('input[type=password]').count(), 0);
      await shot(page, 'sso-reauth-my-security');

      // Without confirming, the server refuses the enrolment.
      const [refused] = await Promise.all([
        page.waitForResponse(
          (r) => r.url().endsWith('/api/v1/auth/mfa/totp') && r.request().method() === 'POST',
        ),
        page.getByRole('button', { name: 'Add an authenticator app' }).click(),
      ]);
      assert.equal(refused.status(), 403);

      const from = idp.seen.length;
      await confirm.click();
      await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
      assert.equal(idpLoginPages(from), 1, 'the IdP asked for the password again');
      await shot(page, 'sso-reauth-idp-asks-again');
      await atIdpLogin(page, sofiaAtIdp);
      await page.getByText('Confirmed:').waitFor();
      assert.equal(new URL(page.url()).pathname, '/app/security');
      assert.equal(new URL(page.url()).search, '', 'the hand-over left the address bar');
      await shot(page, 'sso-reauth-confirmed');

      await page.getByRole('button', { name: 'Add an authenticator app' }).click();
      await page.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
      const secret = decodeBase32((await page.getByTestId('totp-secret').textContent()) ?? '');
      assert.ok(secret);
      const enrol = page.getByRole('form', { name: 'Set up an authenticator app' });
      await enrol.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
      await enrol.getByRole('button', { name: 'Confirm' }).click();
      await page.locator('li', { hasText: 'totp' }).waitFor();
      await shot(page, 'sso-reauth-totp-enrolled');
      const success = await d.store.auditLog.query({ actionPrefix: 'auth.reauth' });
      assert.ok(
        success.entries.some(
          (e) =>
            e.target === `user:${sofia.id}` &&
            e.outcome === 'success' &&
            e.detail['method'] === 'oidc',
        ),
      );
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  "an SSO-only admin in the console confirms at the IdP, then with Palisade's code",
  { skip: chromiumPeer.skip },
  async () =>
    withFailureShot(async () => {
      const d = p.server.domain;
      const ada = await makeUser(p, 'ada', { admin: true });
      const seed = await enrolTotp(p, ada);
      const adaAtIdp = await linkIdpAccount(p, idp, oidc.id, ada);
      await d.sso.policies.setSsoOnly(ada.tenantId, ada.id, true);
      const { context, page, problems } = await freshPage();
      await page.goto(`${origin}/login?to=console`);
      await page.getByRole('link', { name: 'Sign in with Corp IdP' }).click();
      await atIdpLogin(page, adaAtIdp);
      await page.getByLabel('Code').fill(totpCode(seed, Date.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('navigation', { name: 'Console' }).waitFor();
      assert.equal(
        (await context.cookies(origin)).find((c) => c.name === '__Host-palisade')?.sameSite,
        'Strict',
      );
      await makeStale(ada);

      await page.goto(`${origin}/app/security`);
      const reauth = page.getByRole('region', { name: 'Confirm it is you' });
      await reauth.getByRole('button', { name: 'Confirm with Corp IdP' }).click();
      await atIdpLogin(page, adaAtIdp);
      // Back from the IdP: the provider is not trusted for MFA, so Palisade asks its own code.
      const finish = page.getByRole('form', { name: 'Finish confirming' });
      await finish.getByLabel('Authenticator code').fill('000000');
      await finish.getByRole('button', { name: 'Finish' }).click();
      await finish.getByText('the code is not right').waitFor();
      await shot(page, 'sso-reauth-console-code');
      await finish.getByLabel('Authenticator code').fill(totpCode(seed, Date.now() + 30_000));
      await finish.getByRole('button', { name: 'Finish' }).click();
      await page.getByText('Confirmed:').waitFor();
      await page.getByRole('button', { name: 'New recovery codes' }).click();
      await page.getByRole('region', { name: 'Recovery codes' }).waitFor();
      await shot(page, 'sso-reauth-console-recovery-codes');
      const entries = (
        await d.store.auditLog.query({ actionPrefix: 'auth.reauth' })
      ).entries.filter((e) => e.target === `user:${ada.id}`);
      assert.ok(
        entries.some((e) => e.outcome === 'failure' && e.detail['reason'] === 'second-factor'),
      );
      assert.ok(
        entries.some(
          (e) =>
            e.outcome === 'success' && e.detail['method'] === 'oidc' && e.detail['mfa'] === 'totp',
        ),
      );
      assert.deepEqual(problems, []);
      await context.close();
    }),
);

test(
  'a directory user confirms with the directory password',
  { skip: chromiumPeer.skip ?? slapdBin.skip ?? ldapUtils.skip },
  async () =>
    withFailureShot(async () => {
      const d = p.server.domain;
      slapd = await startSlapd(slapdBin.path!, p.dataDir);
      await addLdapProvider(p, slapd, []);
      const { context, page, problems } = await freshPage();
      await page.goto(`${origin}/login`);
      await page.getByLabel('Account').selectOption({ label: 'Corp AD (directory)' });
      await page.getByLabel('Login name').fill('carol');
      await page.getByLabel('Password').fill('Carol-pw-1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Phone' }).waitFor();
      const carol = (await d.store.users.findByUsername(d.defaultTenant.id, 'carol'))!;
      await d.sso.policies.setSsoOnly(carol.tenantId, carol.id, true);
      await makeStale(carol);

      await page.getByRole('link', { name: 'My security' }).click();
      const form = page.getByRole('form', { name: 'Confirm with Corp AD' });
      await form.getByLabel('Corp AD password').fill('not-carols-password');
      await form.getByRole('button', { name: 'Confirm with Corp AD' }).click();
      await form.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('Current password').count(), 0);
      await shot(page, 'sso-reauth-directory');
      await form.getByLabel('Corp AD password').fill('Carol-pw-1');
      await form.getByRole('button', { name: 'Confirm with Corp AD' }).click();
      await page.getByText('Confirmed:').waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    }),
);
