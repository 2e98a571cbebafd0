/**
 * Re-authentication through single sign-on on a real server (HTTPS on
 * loopback) against real peers: an OpenID provider from `oidc-provider`
 * (the code flow driven by a test client that keeps the IdP's session
 * cookie, like a browser), a token endpoint serving minted ID tokens for the
 * `auth_time` cases, and OpenLDAP slapd with StartTLS.
 *
 * - An "SSO only" user cannot re-authenticate with the local password (the
 *   right one gets a wrong one's answer), re-authenticates through the IdP,
 *   which shows its login page again although it holds a session
 *   (`prompt=login`), and then enrols an authenticator app.
 * - With a factor, Palisade's code is asked after the IdP, unless the
 *   provider is trusted for MFA and the IdP asserts a second factor.
 * - Refused and audited: an IdP identity linked to another user, a
 *   re-authentication's code and state at a login (and a login's at a
 *   re-authentication), a callback or proof carried into another session, a
 *   proof used twice, and a stale, early or missing `auth_time`.
 * - An SSO-only admin's password re-authenticates only with break-glass on,
 *   raised as an `auth.break-glass` event.
 * - A directory user re-authenticates with the directory password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '@palisade/pbx';
import { decodeBase32, totpCode, type AuditEntry, type ProviderView } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';
import type { HttpResult } from '../../support/https-client.ts';
import type { TestPalisade } from '../../support/palisade.ts';
import { enrolTotp, login, makeUser, PASSWORD } from '../../e2e/identity/identity-fixtures.ts';
import { CookieJar, followToCallback } from './browse.ts';
import { mintJwt, startFakeTokenIdp, type FakeTokenIdp } from './fake-token-idp.ts';
import type { OidcPeer } from './oidc-provider-peer.ts';
import {
  addLdapProvider,
  addOidcProvider,
  linkIdpAccount,
  oidcSettings,
  startSsoServer,
  trustIdpMfa,
} from './sso-server-setup.ts';
import { startSlapd, type Slapd } from './slapd-peer.ts';

const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');

/** A browser's hold on a session: its cookie and CSRF token. */
interface Session {
  cookie: string;
  csrf: string;
  readonly id: string;
}

function setCookies(r: HttpResult): string[] {
  return ([] as string[]).concat(r.headers['set-cookie'] ?? []);
}

function cookieNamed(r: HttpResult, name: string): string | undefined {
  return setCookies(r).find((c) => c.startsWith(`${name}=`));
}

const reasonOf = (r: HttpResult): unknown =>
  (r.json<{ details?: { reason?: unknown } }>().details ?? {}).reason;

describe('re-authentication through single sign-on', { timeout: 240_000 }, () => {
  let p: TestPalisade;
  let base: string;
  let idp: OidcPeer;
  let oidc: ProviderView;
  let sofia: User;
  let sofiaAtIdp: { login: string; password: string };
  let maxAtIdp: { login: string; password: string };
  let max: User;
  /** sofia's session after she enrolled an authenticator app, and its seed. */
  let enrolled: { session: Session; seed: Uint8Array; factorId: string } | undefined;
  /** sofia's browser: the IdP's session cookie stays in it between flows. */
  const jar = new CookieJar();
  let fake: FakeTokenIdp | undefined;
  let slapd: Slapd | undefined;

  before(async () => {
    ({ p, base } = await startSsoServer());
    ({ provider: oidc, idp } = await addOidcProvider(p, 'Corp IdP'));
    // sofia signs in with SSO only; a local password from before is still stored.
    sofia = await makeUser(p, 'sofia');
    sofiaAtIdp = await linkIdpAccount(p, idp, oidc.id, sofia);
    await p.server.domain.sso.policies.setSsoOnly(sofia.tenantId, sofia.id, true);
    max = await makeUser(p, 'max');
    maxAtIdp = await linkIdpAccount(p, idp, oidc.id, max);
  });

  after(async () => {
    await idp?.stop();
    await fake?.stop();
    await slapd?.stop();
    await p?.stop();
  });

  /** POST logins at the IdP's login form since `from` (how often it asked for a password). */
  const idpLoginForms = (from: number): number =>
    idp.seen.slice(from).filter((r) => /^POST \/interaction\/[^/]+\/login/.test(r)).length;

  /** The IdP leg: follows `url` in sofia's browser (or `browser`), signing in as `as` when asked. */
  async function atIdp(
    url: string,
    as: { login: string; password: string },
    browser = jar,
  ): Promise<{ back: URL; loginForms: number }> {
    const from = idp.seen.length;
    const back = await followToCallback(url, (u) => u.href.startsWith(base), as, browser);
    return { back, loginForms: idpLoginForms(from) };
  }

  async function sessionFrom(cookie: string): Promise<Session> {
    const me = await p.client.call('GET', '/api/v1/auth/session', { headers: { cookie } });
    assert.equal(me.status, 200, me.text);
    const m = me.json<{ csrfToken: string; session: { id: string } }>();
    return { cookie, csrf: m.csrfToken, id: m.session.id };
  }

  /** Signs in through the IdP (a login, not a re-authentication): the session and how often the IdP asked. */
  async function ssoLogin(as: {
    login: string;
    password: string;
  }): Promise<{ session: Session; loginForms: number }> {
    const start = await p.client.call('GET', `/api/v1/sso/oidc/${oidc.id}/start`);
    const pending = cookieNamed(start, '__Host-palisade-sso')!.split(';')[0]!;
    const { back, loginForms } = await atIdp(String(start.headers['location']), as);
    const done = await callback(back, pending);
    assert.equal(done.status, 303, done.text);
    const cookie = cookieNamed(done, '__Host-palisade');
    assert.ok(cookie, `a session: ${String(done.headers['location'])}`);
    return { session: await sessionFrom(cookie.split(';')[0]!), loginForms };
  }

  function callback(url: URL, cookie: string): Promise<HttpResult> {
    return p.client.call('GET', url.pathname + url.search, { headers: { cookie } });
  }

  function call(
    s: Session,
    method: string,
    path: string,
    body?: unknown,
    extraCookie?: string,
  ): Promise<HttpResult> {
    return p.client.call(method, path, {
      headers: {
        cookie: extraCookie ? `${s.cookie}; ${extraCookie}` : s.cookie,
        'x-csrf-token': s.csrf,
      },
      ...(body === undefined ? {} : { body }),
    });
  }

  /** Takes the rotated session cookie and CSRF token of a successful re-authentication. */
  function rotated(s: Session, r: HttpResult): void {
    assert.equal(r.status, 200, r.text);
    s.cookie = cookieNamed(r, '__Host-palisade')!.split(';')[0]!;
    s.csrf = r.json<{ csrfToken: string }>().csrfToken;
  }

  async function stale(s: Session): Promise<void> {
    await p.server.domain.store.webSessions.update(s.id, { authenticatedAt: 0 });
  }

  /** Starts a re-authentication in `s`: the IdP URL and the pending cookie. */
  async function startReauth(
    s: Session,
    providerId = oidc.id,
  ): Promise<{ url: URL; pending: string }> {
    const r = await call(s, 'POST', `/api/v1/sso/oidc/${providerId}/reauth`, {});
    assert.equal(r.status, 200, r.text);
    const pending = cookieNamed(r, '__Host-palisade-sso')!.split(';')[0]!;
    return { url: new URL(r.json<{ authorizationUrl: string }>().authorizationUrl), pending };
  }

  /** A whole IdP leg of a re-authentication in `s`: the callback's answer. */
  async function reauthAtIdp(
    s: Session,
    as = sofiaAtIdp,
    browser = jar,
  ): Promise<{ done: HttpResult; loginForms: number }> {
    const { url, pending } = await startReauth(s);
    const { back, loginForms } = await atIdp(url.href, as, browser);
    return { done: await callback(back, `${pending}; ${s.cookie}`), loginForms };
  }

  function proofOf(done: HttpResult): string {
    assert.equal(done.status, 303, done.text);
    assert.equal(done.headers['location'], '/app/security?reauth=oidc');
    const proof = cookieNamed(done, '__Host-palisade-reauth');
    assert.ok(proof, JSON.stringify(setCookies(done)));
    return proof.split(';')[0]!;
  }

  async function audit(action: string, userId: string): Promise<AuditEntry[]> {
    const page = await p.server.domain.store.auditLog.query({ actionPrefix: action, limit: 1000 });
    return page.entries.filter((e) => e.target === `user:${userId}` && e.action === action);
  }

  test('an SSO-only user cannot use the local password, re-authenticates at the IdP (asked again), then enrols an authenticator app', async () => {
    const first = await ssoLogin(sofiaAtIdp);
    assert.equal(first.loginForms, 1, 'the first sign-in asks at the IdP');
    // The IdP holds a session now: a plain sign-in goes through without asking.
    const second = await ssoLogin(sofiaAtIdp);
    assert.equal(second.loginForms, 0, 'the IdP remembered the session');
    const s = second.session;
    await stale(s);
    const enrol = await call(s, 'POST', '/api/v1/auth/mfa/totp', { label: 'phone' });
    assert.equal(enrol.status, 403, enrol.text);
    assert.equal(reasonOf(enrol), 'reauthentication-required');

    const methods = await call(s, 'GET', '/api/v1/auth/reauth/methods');
    assert.equal(methods.status, 200, methods.text);
    assert.deepEqual(methods.json(), {
      password: false,
      ssoOnly: true,
      factor: false,
      providers: [{ id: oidc.id, name: 'Corp IdP', kind: 'oidc' }],
    });

    // The stale local password gets a wrong password's answer: no oracle (it is never checked).
    const right = await call(s, 'POST', '/api/v1/auth/reauth', { password: PASSWORD });
    const wrong = await call(s, 'POST', '/api/v1/auth/reauth', { password: 'not it at all 123' });
    for (const r of [right, wrong]) assert.equal(r.status, 401, r.text);
    assert.equal(right.text, wrong.text);
    const refusals = (await audit('auth.reauth', sofia.id)).filter((e) => e.outcome === 'failure');
    assert.deepEqual(refusals.map((e) => [e.detail['method'], e.detail['reason']]).sort(), [
      ['password', 'sso-only'],
      ['password', 'sso-only'],
    ]);

    // Through the IdP: it must ask for the password again despite its session.
    const { url, pending } = await startReauth(s);
    assert.equal(url.searchParams.get('prompt'), 'login');
    assert.equal(url.searchParams.get('max_age'), '0');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(url.searchParams.get('nonce'));
    assert.match(url.searchParams.get('state') ?? '', /^reauth\./);
    const { back, loginForms } = await atIdp(url.href, sofiaAtIdp);
    assert.equal(loginForms, 1, 'prompt=login: the IdP showed its login page again');
    const done = await callback(back, `${pending}; ${s.cookie}`);
    const proof = proofOf(done);
    const proofCookie = cookieNamed(done, '__Host-palisade-reauth')!;
    assert.match(proofCookie, /; HttpOnly/);
    assert.match(proofCookie, /; SameSite=Strict/);
    assert.match(proofCookie, /; Secure/);
    assert.equal(cookieNamed(done, '__Host-palisade'), undefined, 'no new session');
    // Not yet: the session finishes it itself.
    assert.equal((await call(s, 'POST', '/api/v1/auth/mfa/totp', {})).status, 403);

    const finished = await call(s, 'POST', '/api/v1/auth/reauth/oidc', {}, proof);
    rotated(s, finished);
    assert.match(cookieNamed(finished, '__Host-palisade-reauth') ?? '', /Max-Age=0/);
    const begun = await call(s, 'POST', '/api/v1/auth/mfa/totp', { label: 'phone' });
    assert.equal(begun.status, 201, begun.text);
    const { factor, secret } = begun.json<{ factor: { id: string }; secret: string }>();
    const seed = decodeBase32(secret)!;
    const confirmed = await call(s, 'POST', `/api/v1/auth/mfa/totp/${factor.id}/confirm`, {
      code: totpCode(seed, Date.now()),
    });
    assert.equal(confirmed.status, 200, confirmed.text);
    s.csrf = confirmed.json<{ csrfToken: string }>().csrfToken;
    s.cookie = cookieNamed(confirmed, '__Host-palisade')!.split(';')[0]!;
    enrolled = { session: s, seed, factorId: factor.id };

    const success = (await audit('auth.reauth', sofia.id)).find((e) => e.outcome === 'success');
    assert.equal(success?.detail['method'], 'oidc');
    assert.equal(success?.detail['providerId'], oidc.id);
    assert.equal(success?.detail['session'], s.id);
    assert.ok(
      p.events.some(
        (e) => e.type === 'auth.reauth' && e.method === 'oidc' && e.outcome === 'success',
      ),
      'the success went out as a security event (syslog)',
    );

    // The proof was worth one re-authentication.
    const again = await call(s, 'POST', '/api/v1/auth/reauth/oidc', {}, proof);
    assert.equal(again.status, 401, again.text);
    assert.equal(reasonOf(again), 'replayed');
  });

  test("with a factor, Palisade's code follows the IdP unless the provider is trusted for MFA and asserts one", async () => {
    assert.ok(enrolled, 'runs after the enrolment above');
    const { session: s, seed } = enrolled;
    await stale(s);
    const methods = await call(s, 'GET', '/api/v1/auth/reauth/methods');
    assert.equal(methods.json<{ factor: boolean }>().factor, true);
    const proof = proofOf((await reauthAtIdp(s)).done);
    const noCode = await call(s, 'POST', '/api/v1/auth/reauth/oidc', {}, proof);
    assert.equal(noCode.status, 400, noCode.text);
    assert.match(noCode.text, /second-factor code/);
    const wrongCode = await call(
      s,
      'POST',
      '/api/v1/auth/reauth/oidc',
      { method: 'totp', code: '000000' },
      proof,
    );
    assert.equal(wrongCode.status, 401, wrongCode.text);
    assert.equal((await call(s, 'POST', '/api/v1/auth/mfa/recovery-codes', {})).status, 403);
    const withCode = await call(
      s,
      'POST',
      '/api/v1/auth/reauth/oidc',
      // The next step: the current one confirmed the enrolment.
      { method: 'totp', code: totpCode(seed, Date.now() + 30_000) },
      proof,
    );
    rotated(s, withCode);
    const entries = await audit('auth.reauth', sofia.id);
    assert.ok(
      entries.some(
        (e) =>
          e.outcome === 'failure' &&
          e.detail['method'] === 'oidc' &&
          e.detail['reason'] === 'second-factor',
      ),
    );
    assert.ok(
      entries.some(
        (e) =>
          e.outcome === 'success' && e.detail['mfa'] === 'totp' && e.detail['session'] === s.id,
      ),
    );

    await trustIdpMfa(p, oidc, idp.issuer, true);
    try {
      await stale(s);
      const trusted = proofOf((await reauthAtIdp(s)).done);
      rotated(s, await call(s, 'POST', '/api/v1/auth/reauth/oidc', {}, trusted));
      const last = (await audit('auth.reauth', sofia.id)).find(
        (e) => e.outcome === 'success' && e.detail['mfa'] === 'amr:otp',
      );
      assert.ok(last, 'the IdP-asserted second factor counted');
      // Removing a factor is a security change the re-authentication allows.
      const removed = await call(s, 'DELETE', `/api/v1/auth/mfa/factors/${enrolled.factorId}`);
      assert.equal(removed.status, 200, removed.text);
    } finally {
      await trustIdpMfa(p, oidc, idp.issuer, false);
    }
  });

  test('an IdP identity linked to another user is refused', async () => {
    const { session: s } = await ssoLogin(sofiaAtIdp);
    // At the IdP, someone signs in as max (whose identity is linked to max).
    const { done, loginForms } = await reauthAtIdp(s, maxAtIdp, new CookieJar());
    assert.equal(loginForms, 1);
    assert.equal(done.status, 303, done.text);
    assert.equal(done.headers['location'], '/app/security?reauth_error=identity-mismatch');
    assert.equal(cookieNamed(done, '__Host-palisade-reauth'), undefined);
    const refused = (await audit('auth.reauth', sofia.id)).find(
      (e) => e.detail['reason'] === 'identity-mismatch',
    );
    assert.equal(refused?.outcome, 'failure');
    assert.equal(refused?.detail['method'], 'oidc');
    assert.ok(
      p.events.some(
        (e) =>
          e.type === 'auth.reauth' &&
          e.outcome === 'failure' &&
          e.detail?.['reason'] === 'identity-mismatch',
      ),
    );
    // Nothing changed for max either.
    assert.equal((await audit('auth.reauth', max.id)).length, 0);
  });

  test("a re-authentication's code and state never become a login, nor count for another session", async () => {
    const { session: s } = await ssoLogin(sofiaAtIdp);
    const maxSession = await login(p.client, 'max');
    const other: Session = {
      cookie: maxSession.cookie,
      csrf: maxSession.csrf,
      id: '',
    };

    // The re-authentication's code and state with a login's cookie: refused before the code is used.
    const reauth = await startReauth(s);
    const { back } = await atIdp(reauth.url.href, sofiaAtIdp);
    const loginStart = await p.client.call('GET', `/api/v1/sso/oidc/${oidc.id}/start`);
    const loginPending = cookieNamed(loginStart, '__Host-palisade-sso')!.split(';')[0]!;
    const asLogin = await callback(back, loginPending);
    assert.equal(asLogin.headers['location'], '/?sso_error=intent-mismatch');
    assert.equal(cookieNamed(asLogin, '__Host-palisade'), undefined, 'no session');
    // Rewriting the state's tag does not help: the whole state is compared.
    const flipped = new URL(back);
    flipped.searchParams.set(
      'state',
      (back.searchParams.get('state') ?? '').replace(/^reauth\./, 'app.'),
    );
    const rewritten = await callback(flipped, loginPending);
    assert.equal(rewritten.headers['location'], '/?sso_error=state-mismatch');
    assert.equal(cookieNamed(rewritten, '__Host-palisade'), undefined);
    // Carried into max's browser session: refused at the callback.
    const intoOther = await callback(back, `${reauth.pending}; ${other.cookie}`);
    assert.equal(intoOther.headers['location'], '/app/security?reauth_error=session-mismatch');
    assert.equal(cookieNamed(intoOther, '__Host-palisade-reauth'), undefined);

    // A login's code and state at a re-authentication: refused too.
    const plain = await atIdp(String(loginStart.headers['location']), sofiaAtIdp);
    const reauth2 = await startReauth(s);
    const asReauth = await callback(plain.back, `${reauth2.pending}; ${s.cookie}`);
    assert.equal(asReauth.headers['location'], '/app/security?reauth_error=intent-mismatch');

    // A proof sealed for sofia's session does not open in another one, not even her own second.
    const proof = proofOf((await reauthAtIdp(s)).done);
    const inMax = await call(other, 'POST', '/api/v1/auth/reauth/oidc', {}, proof);
    assert.equal(inMax.status, 401, inMax.text);
    assert.equal(reasonOf(inMax), 'session-mismatch');
    const { session: sofia2 } = await ssoLogin(sofiaAtIdp);
    const inHerOther = await call(sofia2, 'POST', '/api/v1/auth/reauth/oidc', {}, proof);
    assert.equal(reasonOf(inHerOther), 'session-mismatch');
    // Without a proof at all.
    assert.equal(
      reasonOf(await call(s, 'POST', '/api/v1/auth/reauth/oidc', {})),
      'session-mismatch',
    );

    const reasons = (await audit('auth.reauth', sofia.id))
      .filter((e) => e.outcome === 'failure')
      .map((e) => e.detail['reason']);
    for (const r of ['session-mismatch', 'intent-mismatch']) assert.ok(reasons.includes(r), r);
    const logins = await p.server.domain.store.auditLog.query({
      actionPrefix: 'sso.login',
      limit: 1000,
    });
    assert.ok(
      logins.entries.some(
        (e) => e.outcome === 'failure' && e.detail['reason'] === 'intent-mismatch',
      ),
      'the refused login is audited as such',
    );
  });

  test('an auth_time that is missing, older than five minutes or before the start is refused', async () => {
    const d = p.server.domain;
    fake = await startFakeTokenIdp();
    const minted = await d.sso.providers.create(
      d.defaultTenant.id,
      {
        kind: 'oidc',
        name: 'Minted IdP',
        enabled: true,
        secret: 'palisade-test-client-secret-0123456789',
        config: oidcSettings(fake.issuer, false),
      },
      'cli',
    );
    const stored = (await d.store.ssoProviders.findById(minted.id))!;
    await d.sso.identities.linkByAdmin({
      provider: stored,
      userId: sofia.id,
      subject: 'minted-sofia',
      actor: 'cli',
    });
    const { session: s } = await ssoLogin(sofiaAtIdp);

    /** A re-authentication at the minted IdP whose ID token has `authTime` (seconds, or none). */
    const withAuthTime = async (authTime: (startedSec: number) => number | undefined) => {
      const started = Math.floor(Date.now() / 1000);
      const { url, pending } = await startReauth(s, minted.id);
      const nonce = url.searchParams.get('nonce')!;
      const at = authTime(started);
      fake!.setMinter(() =>
        mintJwt(
          { alg: 'RS256', kid: 'k1', typ: 'JWT' },
          {
            iss: fake!.issuer,
            aud: 'palisade-test',
            sub: 'minted-sofia',
            iat: Math.floor(Date.now() / 1000),
            exp: Math.floor(Date.now() / 1000) + 300,
            nonce,
            ...(at === undefined ? {} : { auth_time: at }),
          },
          fake!.key,
        ),
      );
      const q = new URLSearchParams({
        code: 'code-1',
        state: url.searchParams.get('state')!,
        iss: fake!.issuer,
      });
      const back = new URL(`${base}/api/v1/sso/oidc/${minted.id}/callback?${q.toString()}`);
      return String((await callback(back, `${pending}; ${s.cookie}`)).headers['location']);
    };

    // The control: a fresh auth_time passes, so each refusal below is about auth_time alone.
    assert.equal(await withAuthTime((t) => t), '/app/security?reauth=oidc');
    const staleAnswer = '/app/security?reauth_error=stale-authentication';
    assert.equal(await withAuthTime((t) => t - 600), staleAnswer);
    assert.equal(await withAuthTime((t) => t - 60), staleAnswer);
    assert.equal(await withAuthTime(() => undefined), staleAnswer);
    const verdicts = (await audit('auth.reauth', sofia.id))
      .filter((e) => e.detail['reason'] === 'stale-authentication')
      .map((e) => e.detail['authTime']);
    assert.deepEqual(verdicts.sort(), ['before-start', 'missing', 'too-old']);
  });

  test("break-glass: an SSO-only admin's password re-authenticates only where the tenant allows it, and it is raised", async () => {
    const d = p.server.domain;
    const sam = await makeUser(p, 'sam', { admin: true });
    const seed = await enrolTotp(p, sam);
    await d.sso.policies.setSsoOnly(sam.tenantId, sam.id, true);
    await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: true });
    try {
      const first = await p.client.call('POST', '/api/v1/auth/login', {
        body: { username: 'sam', password: PASSWORD, client: 'console' },
      });
      const mfa = await p.client.call('POST', '/api/v1/auth/login/mfa', {
        body: {
          loginToken: first.json<{ loginToken: string }>().loginToken,
          method: 'totp',
          code: totpCode(seed, Date.now()),
        },
      });
      assert.equal(mfa.status, 200, mfa.text);
      const s = await sessionFrom(cookieNamed(mfa, '__Host-palisade')!.split(';')[0]!);
      const methods = await call(s, 'GET', '/api/v1/auth/reauth/methods');
      assert.deepEqual(methods.json<{ password: boolean; ssoOnly: boolean }>(), {
        password: true,
        ssoOnly: true,
        factor: true,
        providers: [],
      });
      const code = totpCode(seed, Date.now() + 30_000);
      await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: false });
      const off = await call(s, 'POST', '/api/v1/auth/reauth', {
        password: PASSWORD,
        method: 'totp',
        code,
      });
      assert.equal(off.status, 401, off.text);
      await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: true });
      rotated(
        s,
        await call(s, 'POST', '/api/v1/auth/reauth', { password: PASSWORD, method: 'totp', code }),
      );
      const entries = await audit('auth.reauth', sam.id);
      assert.ok(entries.some((e) => e.outcome === 'failure' && e.detail['reason'] === 'sso-only'));
      assert.ok(
        entries.some(
          (e) =>
            e.outcome === 'success' &&
            e.detail['method'] === 'password' &&
            e.detail['breakGlass'] === true,
        ),
      );
      const raised = (await audit('auth.break-glass', sam.id)).find(
        (e) => e.detail['step'] === 'reauth',
      );
      assert.equal(raised?.detail['session'], s.id);
      assert.ok(
        p.events.some((e) => e.type === 'auth.break-glass' && e.detail?.['step'] === 'reauth'),
      );
    } finally {
      await d.sso.policies.setTenantPolicy(d.defaultTenant.id, { breakGlassLocalAdmin: false });
    }
  });

  test(
    'a directory user re-authenticates with the directory password',
    { skip: slapdBin.skip ?? ldapUtils.skip },
    async () => {
      const d = p.server.domain;
      slapd = await startSlapd(slapdBin.path!, p.dataDir);
      const ldap = await addLdapProvider(p, slapd, []);
      const signIn = await p.client.call('POST', `/api/v1/sso/ldap/${ldap.id}/login`, {
        body: { username: 'bob', password: 'Bob-pw-1' },
      });
      assert.equal(signIn.status, 200, signIn.text);
      const s = await sessionFrom(cookieNamed(signIn, '__Host-palisade')!.split(';')[0]!);
      const bob = (await d.store.users.findByUsername(d.defaultTenant.id, 'bob'))!;
      await d.sso.policies.setSsoOnly(bob.tenantId, bob.id, true);
      await stale(s);
      const methods = await call(s, 'GET', '/api/v1/auth/reauth/methods');
      assert.deepEqual(methods.json(), {
        password: false,
        ssoOnly: true,
        factor: false,
        providers: [{ id: ldap.id, name: 'Corp AD', kind: 'ldap' }],
      });
      const path = `/api/v1/sso/ldap/${ldap.id}/reauth`;
      const wrong = await call(s, 'POST', path, { password: 'Bob-pw-2' });
      assert.equal(wrong.status, 401, wrong.text);
      // Another person's directory password binds as them, never as bob.
      const alices = await call(s, 'POST', path, { password: 'Alice-pw-1' });
      assert.equal(alices.status, 401, alices.text);
      assert.equal((await call(s, 'POST', '/api/v1/auth/mfa/totp', {})).status, 403);
      rotated(s, await call(s, 'POST', path, { password: 'Bob-pw-1' }));
      assert.equal((await call(s, 'POST', '/api/v1/auth/mfa/totp', {})).status, 201);
      const entries = await audit('auth.reauth', bob.id);
      assert.equal(
        entries.filter(
          (e) =>
            e.outcome === 'failure' &&
            e.detail['method'] === 'ldap' &&
            e.detail['reason'] === 'bad-credentials',
        ).length,
        2,
      );
      assert.ok(
        entries.some(
          (e) =>
            e.outcome === 'success' &&
            e.detail['method'] === 'ldap' &&
            e.detail['providerId'] === ldap.id,
        ),
      );
      // sofia has no directory identity: the directory cannot confirm her.
      const { session: other } = await ssoLogin(sofiaAtIdp);
      const notHers = await call(other, 'POST', path, { password: 'Bob-pw-1' });
      assert.equal(notHers.status, 409, notHers.text);
    },
  );
});
