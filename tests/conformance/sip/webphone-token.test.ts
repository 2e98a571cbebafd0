/**
 * The web phone's credentials: a signed-in user mints a short-lived SIP
 * username and password (`POST /api/v1/webphone/token`) and registers over
 * WSS with them as the user's "web phone" device; a wrong password is
 * challenged again, an API token may not mint, and the user's own login
 * password never reaches SIP. A credential ends with its web session:
 * logout, "log out my other sessions" and disabling the user revoke it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { WebSocket, type ClientOptions } from 'ws';
import { SIP_DOMAIN, startSipPalisade, type SipPalisade } from '../../support/sip-palisade.ts';
import { answerChallenge, parseResponse, registerText } from '../../support/sip-test-client.ts';
import { CLI_ACTOR } from '@palisade/pbx';
import {
  login,
  makeUser,
  sessionHeaders,
  type LoggedIn,
} from '../../e2e/identity/identity-fixtures.ts';

interface Ticket {
  wsUrl: string;
  sipUri: string;
  authorizationUser: string;
  password: string;
  displayName: string;
  expiresAt: number;
}

let p: SipPalisade;
let origin: string;

before(async () => {
  p = await startSipPalisade();
  origin = new URL(p.server.baseUrl).origin;
  await makeUser(p, 'wendy', { extension: '4100' });
});
after(async () => {
  await p?.stop();
});

async function mint(username = 'wendy'): Promise<Ticket> {
  return mintFrom(await login(p.client, username));
}

async function mintFrom(s: LoggedIn): Promise<Ticket> {
  const r = await p.client.call('POST', '/api/v1/webphone/token', {
    headers: sessionHeaders(s, origin),
    body: {},
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['cache-control'], 'no-store');
  return r.json<Ticket>();
}

async function register(t: Ticket, password: string, callId: string) {
  const ws = new WebSocket(`wss://127.0.0.1:${p.server.httpsPort}/sip`, 'sip', {
    ca: p.ca,
    servername: SIP_DOMAIN,
    headers: { Origin: origin },
  } as ClientOptions);
  await once(ws, 'open');
  const exchange = async (text: string) => {
    ws.send(text);
    const [data] = (await once(ws, 'message')) as [Buffer];
    return parseResponse(data);
  };
  const aorUser = /^sip:([^@]+)@/.exec(t.sipUri)?.[1] ?? '';
  const base = {
    user: aorUser,
    domain: SIP_DOMAIN,
    transport: 'WSS',
    viaHost: 'wp.invalid',
    contact: `<sip:${aorUser}@wp.invalid;transport=ws>`,
    callId,
  };
  const challenge = await exchange(registerText({ ...base, cseq: 1 }));
  assert.equal(challenge.status, 401);
  const authorization = answerChallenge(challenge, {
    user: t.authorizationUser,
    password,
    uri: `sip:${SIP_DOMAIN}`,
    algorithm: 'SHA-256',
  });
  const answer = await exchange(registerText({ ...base, cseq: 2, authorization }));
  ws.close();
  return { answer, aorUser };
}

test('a minted credential registers the user’s web phone over WSS', async () => {
  const t = await mint();
  assert.match(t.wsUrl, /^wss:\/\/.+\/sip$/);
  assert.match(t.sipUri, new RegExp(`^sip:[^@]+@${SIP_DOMAIN.replace('.', '\\.')}$`));
  assert.match(t.authorizationUser, /^wp-/);
  assert.ok(t.password.length >= 32);
  assert.ok(t.expiresAt > Date.now());
  const { answer, aorUser } = await register(t, t.password, 'wp-call-1');
  assert.equal(answer.status, 200);
  const d = p.server.domain;
  const user = (await d.store.users.findByUsername(d.defaultTenant.id, 'wendy'))!;
  const devices = await d.store.devices.listByUser(user.id);
  assert.deepEqual(
    devices.map((x) => [x.label, x.sipUsername]),
    [['web phone', aorUser]],
  );
  // A second mint reuses the same device with a new credential.
  const again = await mint();
  assert.equal(again.sipUri, t.sipUri);
  assert.notEqual(again.authorizationUser, t.authorizationUser);
  assert.equal((await d.store.devices.listByUser(user.id)).length, 1);
});

test('a wrong password is challenged again; the login password is no SIP credential', async () => {
  const t = await mint();
  assert.equal((await register(t, 'not-the-password', 'wp-call-2')).answer.status, 401);
  assert.equal(
    (await register(t, 'correct horse battery staple 42', 'wp-call-3')).answer.status,
    401,
  );
});

test('an API token may not mint; an anonymous caller gets 401', async () => {
  const d = p.server.domain;
  const issued = await d.tokens.issue({
    tenantId: d.defaultTenant.id,
    name: 'wp',
    scopes: ['webphone'],
    by: { id: 'cli' },
    granterPermissions: null,
  });
  const r = await p.client.call('POST', '/api/v1/webphone/token', {
    headers: { authorization: `Bearer ${issued.token}` },
    body: {},
  });
  assert.equal(r.status, 403);
  assert.equal((await p.client.call('POST', '/api/v1/webphone/token', { body: {} })).status, 401);
});

test('logout revokes the credentials of that session only', async () => {
  const s1 = await login(p.client, 'wendy');
  const s2 = await login(p.client, 'wendy');
  const t1 = await mintFrom(s1);
  const t2 = await mintFrom(s2);
  assert.equal((await register(t1, t1.password, 'wp-call-4')).answer.status, 200);
  const out = await p.client.call('POST', '/api/v1/auth/logout', {
    headers: sessionHeaders(s1, origin),
    body: {},
  });
  assert.ok(out.status < 300, out.text);
  assert.equal((await register(t1, t1.password, 'wp-call-5')).answer.status, 401);
  assert.equal((await register(t2, t2.password, 'wp-call-6')).answer.status, 200);
});

test('"log out my other sessions" revokes theirs and keeps the current one', async () => {
  const keep = await login(p.client, 'wendy');
  const other = await login(p.client, 'wendy');
  const kept = await mintFrom(keep);
  const dropped = await mintFrom(other);
  const r = await p.client.call('POST', '/api/v1/auth/sessions/revoke-others', {
    headers: sessionHeaders(keep, origin),
    body: {},
  });
  assert.equal(r.status, 200, r.text);
  assert.equal((await register(dropped, dropped.password, 'wp-call-7')).answer.status, 401);
  assert.equal((await register(kept, kept.password, 'wp-call-8')).answer.status, 200);
});

test('a disabled user’s credentials stop working, however the user was disabled', async () => {
  const d = p.server.domain;
  const vic = await makeUser(p, 'vic', { extension: '4101' });
  const viaSessions = await mint('vic');
  const viaStore = await mint('vic');
  assert.equal((await register(viaStore, viaStore.password, 'wp-call-9')).answer.status, 200);
  // Disabling outside the API (CLI, directory sync): the credential resolves to nothing.
  await d.users.update(CLI_ACTOR, vic.id, { state: 'disabled' });
  assert.equal((await register(viaStore, viaStore.password, 'wp-call-10')).answer.status, 401);
  // What the API's disable does next: every session ends, and with them every credential.
  await d.identity.sessions.revokeAllOfUser(vic.id, 'user disabled');
  assert.equal(d.webphoneTokens.find(viaSessions.authorizationUser, SIP_DOMAIN), null);
  await d.users.update(CLI_ACTOR, vic.id, { state: 'active' });
  assert.equal(
    (await register(viaSessions, viaSessions.password, 'wp-call-11')).answer.status,
    401,
  );
});
