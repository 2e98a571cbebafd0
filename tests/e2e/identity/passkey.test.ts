/**
 * Passkeys in a real browser: headless Chromium (Debian's) with a CDP virtual
 * authenticator registers a passkey and logs in with it against the real
 * server, from a small page served at the server's own origin. Challenges are
 * single use; a signature counter that goes back is refused and flagged.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { debianPeer } from '../../support/debian.ts';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { makeUser, PASSWORD } from './identity-fixtures.ts';

const peer = debianPeer('chromium', 'chromium');
let p: TestPalisade;
let browser: Browser;
let page: Page;
let origin: string;

before(async () => {
  if (peer.skip !== undefined) return;
  const port = await freeTcpPort();
  origin = `https://localhost:${port}`;
  p = await startTestPalisade({
    PALISADE_HTTP_PORT: String(port),
    PALISADE_HTTP_PUBLIC_URL: origin,
  });
  const spki = createHash('sha256')
    .update(new X509Certificate(p.ca).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  browser = await chromium.launch({
    executablePath: peer.path,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Trust exactly the server's self-signed key: WebAuthn refuses pages with certificate errors.
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  const context = await browser.newContext();
  page = await context.newPage();
  await page.route(`${origin}/passkey-test`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><title>passkey test</title><p>ok</p>',
    }),
  );
  await page.goto(`${origin}/passkey-test`, { timeout: 15_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
});
after(async () => {
  await browser?.close();
  await p?.stop();
});

interface Step {
  status: number;
  json: Record<string, unknown> | null;
}

/**
 * The page's script (plain JavaScript, run in Chromium): same-origin fetches
 * with the browser's cookie jar, WebAuthn through navigator.credentials.
 */
const PAGE_SCRIPT = `
  window.post = async (url, body, csrf) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: JSON.stringify(body),
    });
    return { status: r.status, json: await r.json().catch(() => null) };
  };
  window.registerPasskey = async (password) => {
    const login = await post('/api/v1/auth/login', { username: 'keyholder', password });
    const csrf = login.json.csrfToken;
    const options = await post('/api/v1/auth/mfa/passkey/options', {}, csrf);
    const cred = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.json),
    });
    const reg = await post('/api/v1/auth/mfa/passkey', { response: cred.toJSON(), label: 'virtual' }, csrf);
    const again = await post('/api/v1/auth/mfa/passkey', { response: cred.toJSON(), label: 'again' }, reg.json && reg.json.csrfToken);
    return { login: login.status, options: options.status, challenge: options.json.challenge, reg, again: again.status };
  };
  window.passkeyLogin = async (password) => {
    const first = await post('/api/v1/auth/login', { username: 'keyholder', password });
    const loginToken = first.json.loginToken;
    const options = await post('/api/v1/auth/login/passkey/options', { loginToken });
    const assertion = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.json),
    });
    const done = await post('/api/v1/auth/login/passkey', { loginToken, response: assertion.toJSON() });
    const me = await fetch('/api/v1/auth/session').then((r) => r.status);
    return { first: first.json, done, me };
  };
`;

interface Registered {
  login: number;
  options: number;
  challenge: string;
  reg: Step;
  again: number;
}
interface LoggedIn {
  first: Record<string, unknown> | null;
  done: Step;
  me: number;
}

const run = async <T>(call: string): Promise<T> => await page.evaluate(call);

test(
  'a passkey is registered and used to log in through a virtual authenticator',
  { skip: peer.skip },
  async () => {
    await makeUser(p, 'keyholder');
    await page.evaluate(PAGE_SCRIPT);
    const registered = await run<Registered>(`registerPasskey(${JSON.stringify(PASSWORD)})`);
    assert.equal(registered.login, 200);
    assert.equal(registered.options, 200);
    assert.equal(Buffer.from(registered.challenge, 'base64url').length, 32, '32-byte challenge');
    assert.equal(registered.reg.status, 201, JSON.stringify(registered.reg.json));
    assert.equal(registered.again, 400, 'a challenge is single use');

    const loggedIn = await run<LoggedIn>(`passkeyLogin(${JSON.stringify(PASSWORD)})`);
    assert.equal(loggedIn.first?.['status'], 'mfa');
    assert.ok((loggedIn.first?.['methods'] as string[]).includes('passkey'));
    assert.equal(loggedIn.done.status, 200, JSON.stringify(loggedIn.done.json));
    assert.equal(loggedIn.done.json?.['status'], 'active');
    assert.equal(loggedIn.me, 200, 'the browser holds the session cookie');
    const user = await p.server.domain.identity.directory.findForLogin('keyholder', null);
    const factor = (await p.server.domain.store.mfaFactors.listOfUser(user!.id)).find(
      (f) => f.kind === 'passkey',
    );
    assert.ok(factor && factor.lastUsedAt !== null);
  },
);

test('a signature counter that goes back is refused and flagged', { skip: peer.skip }, async () => {
  const user = await p.server.domain.identity.directory.findForLogin('keyholder', null);
  const factor = (await p.server.domain.store.mfaFactors.listOfUser(user!.id)).find(
    (f) => f.kind === 'passkey',
  );
  await p.server.domain.store.mfaFactors.update(factor!.id, { counter: 1_000_000 });
  const result = await run<LoggedIn>(`passkeyLogin(${JSON.stringify(PASSWORD)})`);
  assert.equal(result.done.status, 401);
  const flagged = await p.server.domain.store.auditLog.query({
    actionPrefix: 'auth.passkey-counter-regression',
  });
  assert.equal(flagged.entries.length, 1);
});
