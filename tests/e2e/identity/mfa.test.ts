/**
 * Second factors end to end, with a real SMTP server (STARTTLS, certificate
 * validated) on 127.0.0.1: e-mail codes, TOTP enrolment with a local QR code
 * and replay refusal, recovery codes, re-authentication before a password
 * change, location confirmation, unlock and reset links.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { createSelfSignedCertificate } from '@palisade/server';
import { decodeBase32, totpCode } from '@palisade/security';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import { mailText, startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import type { HttpClient } from '../../support/https-client.ts';
import { clientFrom, cookieOf, login, makeUser, PASSWORD } from './identity-fixtures.ts';

let p: TestPalisade;
let smtp: SmtpSink;
let dir: string;
let smsServer: Server;
const texts: { to: string; text: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-mfa-'));
  smtp = await startSmtpSink(dir);
  // The SMS provider: an HTTPS webhook on 127.0.0.1 with its own certificate.
  const pem = createSelfSignedCertificate(['127.0.0.1']);
  writeFileSync(join(dir, 'sms-ca.pem'), pem.certPem);
  smsServer = createServer({ key: pem.keyPem, cert: pem.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      texts.push(JSON.parse(Buffer.concat(chunks).toString()) as { to: string; text: string });
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((resolve) => smsServer.listen(0, '127.0.0.1', resolve));
  const smsAddr = smsServer.address();
  const smsPort = typeof smsAddr === 'object' && smsAddr ? smsAddr.port : 0;
  p = await startTestPalisade({
    PALISADE_SMS_WEBHOOK_URL: `https://127.0.0.1:${smsPort}/sms`,
    PALISADE_SMS_CA_FILE: join(dir, 'sms-ca.pem'),
    PALISADE_MAIL_HOST: '127.0.0.1',
    PALISADE_MAIL_PORT: String(smtp.port),
    PALISADE_MAIL_SECURITY: 'starttls',
    PALISADE_MAIL_CA_FILE: smtp.caFile,
    PALISADE_MAIL_FROM: 'pbx@pbx.test',
  });
});
after(async () => {
  await p?.stop();
  await smtp?.stop();
  await new Promise<void>((resolve) => (smsServer ? smsServer.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const tenant = () => p.server.domain.defaultTenant.id;
const settings = (
  patch: Parameters<TestPalisade['server']['domain']['identity']['settings']['set']>[1],
) => p.server.domain.identity.settings.set(tenant(), patch);
const codeIn = (text: string): string => /\b(\d{6})\b/.exec(text)?.[1] ?? '';
const tokenIn = (text: string): string => /#token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? '';

async function startLogin(c: HttpClient, username: string, password = PASSWORD) {
  const r = await c.call('POST', '/api/v1/auth/login', { body: { username, password } });
  assert.equal(r.status, 200, r.text);
  return r.json<{ status: string; loginToken?: string; methods?: string[] }>();
}

test('e-mail code over STARTTLS completes a mandatory second factor; the code works once', async () => {
  await makeUser(p, 'mailer', { email: 'mailer@example.test' });
  await settings({ mfaForAll: true });
  try {
    const c = clientFrom(p, '127.0.0.20');
    const first = await startLogin(c, 'mailer');
    assert.equal(first.status, 'mfa');
    assert.deepEqual(first.methods, ['email']);
    const since = smtp.received.length;
    const sent = await c.call('POST', '/api/v1/auth/login/code', {
      body: { loginToken: first.loginToken, method: 'email' },
    });
    assert.equal(sent.status, 204, sent.text);
    const mail = await smtp.next('mailer@example.test', since);
    assert.equal(mail.secure, true, 'delivered over STARTTLS');
    const code = codeIn(mailText(mail));
    assert.match(code, /^\d{6}$/);
    const wrong = await c.call('POST', '/api/v1/auth/login/mfa', {
      body: {
        loginToken: first.loginToken,
        method: 'email',
        code: code === '000000' ? '111111' : '000000',
      },
    });
    assert.equal(wrong.status, 401);
    const ok = await c.call('POST', '/api/v1/auth/login/mfa', {
      body: { loginToken: first.loginToken, method: 'email', code },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json<{ mfaEnrolmentRequired: boolean }>().mfaEnrolmentRequired, true);
    // The pending login token was rotated away: it cannot be used again.
    const again = await c.call('POST', '/api/v1/auth/login/mfa', {
      body: { loginToken: first.loginToken, method: 'email', code },
    });
    assert.equal(again.status, 401);
    const events = await p.server.domain.store.auditLog.query({ actionPrefix: 'auth.mfa' });
    assert.ok(
      events.entries.some((e) => e.outcome === 'success' && e.detail['method'] === 'email'),
    );
    assert.ok(events.entries.some((e) => e.outcome === 'failure'));
    assert.equal(
      JSON.stringify(events.entries).includes(code),
      false,
      'no code in the audit trail',
    );
  } finally {
    await settings({ mfaForAll: false });
  }
});

test('SMS code through the HTTPS webhook provider completes a login', async () => {
  const u = await makeUser(p, 'texter');
  await p.server.domain.users.update(CLI_ACTOR, u.id, { mobile: '+15550123' });
  await settings({ mfaForAll: true });
  try {
    const c = clientFrom(p, '127.0.0.22');
    const first = await startLogin(c, 'texter');
    assert.deepEqual(first.methods, ['sms']);
    const sent = await c.call('POST', '/api/v1/auth/login/code', {
      body: { loginToken: first.loginToken, method: 'sms' },
    });
    assert.equal(sent.status, 204, sent.text);
    const msg = texts.at(-1);
    assert.equal(msg?.to, '+15550123');
    const ok = await c.call('POST', '/api/v1/auth/login/mfa', {
      body: { loginToken: first.loginToken, method: 'sms', code: codeIn(msg?.text ?? '') },
    });
    assert.equal(ok.status, 200, ok.text);
  } finally {
    await settings({ mfaForAll: false });
  }
});

test('TOTP: enrolment with a local SVG QR code, a code never accepted twice, recovery codes single use, re-authentication before a password change', async () => {
  await makeUser(p, 'totpuser', { email: 'totp@example.test' });
  const c = clientFrom(p, '127.0.0.21');
  const s = await login(c, 'totpuser');
  const h = (cookie: string, csrf: string) => ({ cookie, 'x-csrf-token': csrf });
  const begin = await c.call('POST', '/api/v1/auth/mfa/totp', {
    body: {},
    headers: h(s.cookie, s.csrf),
  });
  assert.equal(begin.status, 201, begin.text);
  const enrol = begin.json<{
    factor: { id: string };
    secret: string;
    uri: string;
    qrSvg: string;
  }>();
  assert.match(enrol.qrSvg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(enrol.uri, /^otpauth:\/\/totp\//);
  const secret = decodeBase32(enrol.secret)!;
  const now = Date.now();
  const confirm = await c.call('POST', `/api/v1/auth/mfa/totp/${enrol.factor.id}/confirm`, {
    body: { code: totpCode(secret, now) },
    headers: h(s.cookie, s.csrf),
  });
  assert.equal(confirm.status, 200, confirm.text);
  // At rest the seed is sealed under the master key, bound to its user.
  const row = await p.server.domain.store.mfaFactors.findById(enrol.factor.id);
  assert.match(row!.secret, /^v1\./);
  assert.ok(!row!.secret.includes(enrol.secret));
  // Privilege change: the session was rotated; the old cookie is dead.
  const rotated = {
    cookie: cookieOf(confirm),
    csrf: confirm.json<{ csrfToken: string }>().csrfToken,
  };
  assert.equal(
    (await c.call('GET', '/api/v1/auth/session', { headers: { cookie: s.cookie } })).status,
    401,
  );
  assert.equal(
    (await c.call('GET', '/api/v1/auth/session', { headers: { cookie: rotated.cookie } })).status,
    200,
  );

  // The enrolment code cannot log in again (its step is stored): replay refused.
  const l1 = await startLogin(c, 'totpuser');
  assert.equal(l1.status, 'mfa');
  const replay = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: { loginToken: l1.loginToken, method: 'totp', code: totpCode(secret, now) },
  });
  assert.equal(replay.status, 401);
  const next = totpCode(secret, now + 30_000);
  const ok = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: { loginToken: l1.loginToken, method: 'totp', code: next },
  });
  assert.equal(ok.status, 200, ok.text);
  const l2 = await startLogin(c, 'totpuser');
  const replay2 = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: { loginToken: l2.loginToken, method: 'totp', code: next },
  });
  assert.equal(replay2.status, 401, 'the same code twice');
  const audit = await p.server.domain.store.auditLog.query({ actionPrefix: 'auth.mfa' });
  assert.ok(audit.entries.some((e) => e.detail['reason'] === 'replay'));

  // Recovery codes: shown once, each works once.
  const session = { cookie: cookieOf(ok), csrf: ok.json<{ csrfToken: string }>().csrfToken };
  const rc = await c.call('POST', '/api/v1/auth/mfa/recovery-codes', {
    body: {},
    headers: h(session.cookie, session.csrf),
  });
  assert.equal(rc.status, 201, rc.text);
  const codes = rc.json<{ codes: string[] }>().codes;
  assert.equal(codes.length, 10);
  const l3 = await startLogin(c, 'totpuser');
  assert.ok(l3.methods?.includes('recovery'));
  const byRecovery = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: { loginToken: l3.loginToken, method: 'recovery', code: codes[0] },
  });
  assert.equal(byRecovery.status, 200, byRecovery.text);
  const l4 = await startLogin(c, 'totpuser');
  const reused = await c.call('POST', '/api/v1/auth/login/mfa', {
    body: { loginToken: l4.loginToken, method: 'recovery', code: codes[0] },
  });
  assert.equal(reused.status, 401);

  // Re-authentication is enforced on the server: a stale session cannot change the password.
  const me = await c.call('GET', '/api/v1/auth/session', { headers: { cookie: session.cookie } });
  const sessionId = me.json<{ session: { id: string } }>().session.id;
  await p.server.domain.store.webSessions.update(sessionId, { authenticatedAt: 0 });
  const stale = await c.call('POST', '/api/v1/auth/password', {
    body: { password: 'a brand new passphrase for me' },
    headers: h(session.cookie, session.csrf),
  });
  assert.equal(stale.status, 403, stale.text);
  assert.equal(
    stale.json<{ details: { reason: string } }>().details.reason,
    'reauthentication-required',
  );
  const noCode = await c.call('POST', '/api/v1/auth/reauth', {
    body: { password: PASSWORD },
    headers: h(session.cookie, session.csrf),
  });
  assert.equal(noCode.status, 400, 'a user with a factor re-authenticates with it too');
  const reauth = await c.call('POST', '/api/v1/auth/reauth', {
    body: { password: PASSWORD, method: 'recovery', code: codes[1] },
    headers: h(session.cookie, session.csrf),
  });
  assert.equal(reauth.status, 200, reauth.text);
  const fresh = { cookie: cookieOf(reauth), csrf: reauth.json<{ csrfToken: string }>().csrfToken };
  const weak = await c.call('POST', '/api/v1/auth/password', {
    body: { password: 'password' },
    headers: h(fresh.cookie, fresh.csrf),
  });
  assert.equal(weak.status, 400);
  assert.match(weak.text, /characters/);
  const changed = await c.call('POST', '/api/v1/auth/password', {
    body: { password: 'a brand new passphrase for me' },
    headers: h(fresh.cookie, fresh.csrf),
  });
  assert.equal(changed.status, 204, changed.text);
  const oldPw = await c.call('POST', '/api/v1/auth/login', {
    body: { username: 'totpuser', password: PASSWORD },
  });
  assert.equal(oldPw.status, 401);
  assert.equal((await startLogin(c, 'totpuser', 'a brand new passphrase for me')).status, 'mfa');
});

test('location check: a login from a new /24 is held until the e-mailed link confirms it', async () => {
  await makeUser(p, 'traveller', { email: 'traveller@example.test' });
  await settings({ locationMfa: true });
  try {
    const home = clientFrom(p, '127.0.0.30');
    const since = smtp.received.length;
    const held = await startLogin(home, 'traveller');
    assert.equal(held.status, 'location');
    const early = await home.call('POST', '/api/v1/auth/login/continue', {
      body: { loginToken: held.loginToken },
    });
    assert.equal(early.status, 403);
    const mail = await smtp.next('traveller@example.test', since);
    const token = tokenIn(mailText(mail));
    assert.equal(token.length, 43);
    assert.match(mailText(mail), /127\.0\.0\.0\/24/);
    const confirm = await home.call('POST', '/api/v1/auth/location/confirm', { body: { token } });
    assert.equal(confirm.status, 204, confirm.text);
    assert.equal(
      (await home.call('POST', '/api/v1/auth/location/confirm', { body: { token } })).status,
      403,
    );
    const go = await home.call('POST', '/api/v1/auth/login/continue', {
      body: { loginToken: held.loginToken },
    });
    assert.equal(go.status, 200, go.text);
    assert.equal(go.json<{ status: string }>().status, 'active');
    // Same /24: known now. Another /24: held again.
    assert.equal((await startLogin(clientFrom(p, '127.0.0.31'), 'traveller')).status, 'active');
    assert.equal((await startLogin(clientFrom(p, '127.0.1.30'), 'traveller')).status, 'location');
  } finally {
    await settings({ locationMfa: false });
  }
});

test('a lock mails a single-use unlock link; a reset link sets a new password and ends every session', async () => {
  await makeUser(p, 'locked', { email: 'locked@example.test' });
  await settings({ passwordPreset: 'vendor-compat' });
  try {
    const c = clientFrom(p, '127.0.0.40');
    const since = smtp.received.length;
    for (let i = 0; i < 3; i++)
      await c.call('POST', '/api/v1/auth/login', {
        body: { username: 'locked', password: `bad ${i}` },
      });
    assert.equal(
      (
        await c.call('POST', '/api/v1/auth/login', {
          body: { username: 'locked', password: PASSWORD },
        })
      ).status,
      429,
    );
    const token = tokenIn(mailText(await smtp.next('locked@example.test', since)));
    assert.equal((await c.call('POST', '/api/v1/auth/unlock', { body: { token } })).status, 204);
    assert.equal(
      (await c.call('POST', '/api/v1/auth/unlock', { body: { token } })).status,
      403,
      'single use',
    );
    await login(c, 'locked');
  } finally {
    await settings({ passwordPreset: 'standards' });
  }
  const c = clientFrom(p, '127.0.0.41');
  const s = await login(c, 'locked');
  const since = smtp.received.length;
  const ask = await c.call('POST', '/api/v1/auth/password/reset-request', {
    body: { username: 'locked' },
  });
  assert.equal(ask.status, 202);
  const unknown = await c.call('POST', '/api/v1/auth/password/reset-request', {
    body: { username: 'nobody' },
  });
  assert.equal(unknown.status, 202, 'the same answer for an unknown account');
  const token = tokenIn(mailText(await smtp.next('locked@example.test', since)));
  const reset = await c.call('POST', '/api/v1/auth/password/reset', {
    body: { token, password: 'another fine passphrase here' },
  });
  assert.equal(reset.status, 204, reset.text);
  assert.equal(
    (await c.call('GET', '/api/v1/auth/session', { headers: { cookie: s.cookie } })).status,
    401,
  );
  await login(c, 'locked', 'another fine passphrase here');
});
