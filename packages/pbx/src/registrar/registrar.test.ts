import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeClock } from '@palisade/common';
import type { SecurityEvent } from '@palisade/common';
import { DigestAuthenticator, computeDigestResponse, computeHa1 } from '@palisade/security';
import type { DigestAlgorithm } from '@palisade/security';
import { parseMessage } from '@palisade/sip';
import type { Destination, ServerTransaction, SipRequest, SipResponse } from '@palisade/sip';
import type { Device } from '../ports/device-repository.ts';
import type {
  RegistrationBinding,
  RegistrationRepository,
} from '../ports/registration-repository.ts';
import { SipServerCore } from '../sip/sip-server-core.ts';
import { optionsHandler } from '../sip/options-handler.ts';
import { LocationService } from './location-service.ts';
import { Registrar, digestUriMatches } from './registrar.ts';

const REALM = 'pbx.test';
const SOURCE: Destination = { transport: 'UDP', host: '192.0.2.10', port: 5062, reliable: false };

class MemoryRegistrations implements RegistrationRepository {
  rows = new Map<string, RegistrationBinding>();
  writes = 0;
  apply(changes: {
    upsert: readonly RegistrationBinding[];
    remove: readonly string[];
  }): Promise<void> {
    this.writes++;
    for (const id of changes.remove) this.rows.delete(id);
    for (const b of changes.upsert) this.rows.set(b.id, b);
    return Promise.resolve();
  }
  listUnexpired(now: number): Promise<RegistrationBinding[]> {
    return Promise.resolve([...this.rows.values()].filter((b) => b.expiresAt > now));
  }
  list(): Promise<RegistrationBinding[]> {
    return Promise.resolve([...this.rows.values()]);
  }
  purgeExpired(now: number): Promise<number> {
    let n = 0;
    for (const [id, b] of this.rows)
      if (b.expiresAt <= now) {
        this.rows.delete(id);
        n++;
      }
    return Promise.resolve(n);
  }
}

function device(user: string, password: string): Device {
  return {
    id: `dev-${user}`,
    tenantId: 't1',
    userId: `user-${user}`,
    sipUsername: user,
    label: '',
    ha1Md5: computeHa1('MD5', user, REALM, password),
    ha1Sha256: computeHa1('SHA-256', user, REALM, password),
    createdAt: 0,
    secretRotatedAt: 0,
  };
}

interface Harness {
  clock: FakeClock;
  /** Users by id whose state is disabled. */
  disabled: Set<string>;
  repo: MemoryRegistrations;
  location: LocationService;
  core: SipServerCore;
  registrar: Registrar;
  events: SecurityEvent[];
  send(text: string, source?: Destination): Promise<SipResponse>;
}

function harness(
  repo = new MemoryRegistrations(),
  clock = new FakeClock(1_700_000_000_000),
): Harness {
  const devices = new Map([
    ['1000', device('1000', 'pw1000')],
    ['1001', device('1001', 'pw1001')],
  ]);
  const events: SecurityEvent[] = [];
  const disabled = new Set<string>();
  const location = new LocationService({ repository: repo, clock });
  const core = new SipServerCore();
  const registrar = new Registrar({
    devices: {
      findBySipDomainAndUsername: (domain, user) =>
        Promise.resolve(domain === REALM ? (devices.get(user) ?? null) : null),
    },
    users: {
      findById: (id) =>
        Promise.resolve({
          id,
          username: id.replace('user-', 'u'),
          displayName: `User ${id}`,
          state: disabled.has(id) ? 'disabled' : 'active',
        } as never),
    },
    location,
    authenticator: new DigestAuthenticator({
      secretKey: new Uint8Array(32).fill(7),
      clock,
      uriMatches: digestUriMatches,
    }),
    securityEvents: { emit: (e) => events.push(e) },
    clock,
    policy: { minExpires: 60, maxExpires: 3600 },
  });
  core.handle('REGISTER', registrar.handle);
  core.handleStateless('REGISTER', registrar.challenge);
  core.handle('OPTIONS', optionsHandler(core));
  const send = (text: string, source = SOURCE): Promise<SipResponse> =>
    new Promise((resolve) => {
      const request = parseMessage(Buffer.from(text)) as SipRequest;
      const txn = {
        respond: (r: SipResponse) => (resolve(r), true),
      } as unknown as ServerTransaction;
      core.request(request, txn, source);
    });
  return { clock, disabled, repo, location, core, registrar, events, send };
}

let branch = 0;
function register(opts: {
  user?: string;
  toUser?: string;
  callId?: string;
  cseq?: number;
  contact?: string[];
  expires?: number;
  auth?: string;
  extra?: string[];
  branch?: string;
}): string {
  const user = opts.user ?? '1000';
  return [
    `REGISTER sip:${REALM} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.10:5062;branch=${opts.branch ?? `z9hG4bK${++branch}`};rport`,
    'Max-Forwards: 70',
    `From: <sip:${opts.toUser ?? user}@${REALM}>;tag=f1`,
    `To: <sip:${opts.toUser ?? user}@${REALM}>`,
    `Call-ID: ${opts.callId ?? 'call-1'}`,
    `CSeq: ${opts.cseq ?? 1} REGISTER`,
    ...(opts.contact ?? ['<sip:1000@192.0.2.10:5062>']).map((c) => `Contact: ${c}`),
    ...(opts.expires === undefined ? [] : [`Expires: ${opts.expires}`]),
    ...(opts.auth ? [`Authorization: ${opts.auth}`] : []),
    'User-Agent: TestPhone/1.0',
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function authFor(
  challenge: SipResponse,
  user: string,
  password: string,
  algorithm: DigestAlgorithm = 'MD5',
  nc = 1,
): string {
  const header = challenge
    .header('www-authenticate')
    .find((c) => c.kind === 'digest' && (c.algorithm ?? 'MD5') === algorithm);
  assert.ok(header && header.kind === 'digest');
  const ncText = nc.toString(16).padStart(8, '0');
  const response = computeDigestResponse({
    algorithm,
    ha1: computeHa1(algorithm, user, REALM, password),
    nonce: header.nonce,
    method: 'REGISTER',
    uri: `sip:${REALM}`,
    qop: { nc: ncText, cnonce: 'abc' },
  });
  return `Digest username="${user}", realm="${REALM}", nonce="${header.nonce}", uri="sip:${REALM}", response="${response}", algorithm=${algorithm}, qop=auth, nc=${ncText}, cnonce="abc", opaque="${header.opaque ?? ''}"`;
}

async function registered(
  h: Harness,
  opts: Parameters<typeof register>[0],
  password = 'pw1000',
  algorithm: DigestAlgorithm = 'MD5',
): Promise<SipResponse> {
  const challenge = await h.send(register({ ...opts, cseq: (opts.cseq ?? 1) - 0 }));
  assert.equal(challenge.status, 401);
  return h.send(
    register({
      ...opts,
      cseq: (opts.cseq ?? 1) + 1,
      auth: authFor(challenge, opts.user ?? '1000', password, algorithm),
    }),
  );
}

describe('Registrar', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('challenges with SHA-256 first, then MD5, qop=auth', async () => {
    const r = await h.send(register({}));
    assert.equal(r.status, 401);
    const challenges = r.header('www-authenticate');
    assert.deepEqual(
      challenges.map((c) => (c.kind === 'digest' ? [c.algorithm, c.qop, c.realm] : null)),
      [
        ['SHA-256', ['auth'], REALM],
        ['MD5', ['auth'], REALM],
      ],
    );
  });

  for (const algorithm of ['MD5', 'SHA-256'] as const) {
    it(`registers with ${algorithm} digest, commits before answering, lists the contact with its expiry`, async () => {
      const ok = await registered(h, { expires: 600 }, 'pw1000', algorithm);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.raw('contact'), ['<sip:1000@192.0.2.10:5062>;expires=600']);
      assert.equal(h.repo.rows.size, 1);
      const [b] = [...h.repo.rows.values()];
      assert.equal(b?.transport, 'UDP');
      assert.equal(b?.sourceAddress, '192.0.2.10');
      assert.equal(b?.userAgent, 'TestPhone/1.0');
      assert.equal(h.location.lookup(`sip:1000@${REALM}`).length, 1);
      const reg = h.events.filter((e) => e.type === 'sip.register');
      assert.equal(reg.length, 1);
      assert.equal(reg[0]?.remoteAddress, '192.0.2.10');
      assert.equal(reg[0]?.detail?.['transport'], 'UDP');
      assert.equal(reg[0]?.detail?.['userAgent'], 'TestPhone/1.0');
    });
  }

  it('answers an unknown user and a wrong password byte for byte alike, apart from the nonce', async () => {
    const c1 = await h.send(register({ user: '1000', callId: 'same' }));
    const wrong = await h.send(
      register({
        user: '1000',
        callId: 'same',
        cseq: 2,
        branch: 'z9hG4bKsame',
        auth: authFor(c1, '1000', 'nope'),
      }),
    );
    const c2 = await h.send(register({ user: '1000', callId: 'same' }));
    // the unknown user writes its name only inside the credentials: same To, same Call-ID
    const unknown = await h.send(
      register({
        user: '1000',
        callId: 'same',
        cseq: 2,
        branch: 'z9hG4bKsame',
        auth: authFor(c2, '9999', 'nope'),
      }),
    );
    assert.equal(wrong.status, 401);
    const strip = (r: SipResponse): string => r.toString().replace(/nonce="[^"]+"/g, 'nonce="-"');
    assert.equal(strip(unknown), strip(wrong));
    const failures = h.events.filter((e) => e.type === 'sip.auth-failure');
    assert.deepEqual(
      failures.map((e) => e.detail?.['reason']),
      ['bad-response', 'unknown-user'],
    );
  });

  it('challenges a REGISTER without credentials statelessly (§8.2.7), as the stateful path would', async () => {
    const text = register({});
    const request = parseMessage(Buffer.from(text)) as SipRequest;
    const stateless = h.core.statelessResponse(request, SOURCE);
    assert.ok(stateless);
    const stateful = await h.send(text);
    assert.equal(stateless.status, 401);
    const nonce = /nonce="[^"]+"/g;
    assert.equal(
      stateless.toString().replace(nonce, 'nonce=""'),
      stateful.toString().replace(nonce, 'nonce=""'),
      'the same answer byte for byte, apart from the nonces',
    );
    // credentials, or a Require we do not support: the stateful path answers
    const c = await h.send(register({}));
    const withAuth = register({ cseq: 2, auth: authFor(c, '1000', 'pw1000') });
    assert.equal(
      h.core.statelessResponse(parseMessage(Buffer.from(withAuth)) as SipRequest, SOURCE),
      undefined,
    );
    const unsupported = register({ extra: ['Require: 100rel-not-here'] });
    assert.equal(
      h.core.statelessResponse(parseMessage(Buffer.from(unsupported)) as SipRequest, SOURCE),
      undefined,
    );
    assert.equal((await h.send(unsupported)).status, 420);
  });

  it('reports failed authentications on its event for the intrusion detector', async () => {
    const seen: string[] = [];
    h.registrar.events.on('auth-failure', (f) => seen.push(`${f.sourceAddress} ${f.username}`));
    const c = await h.send(register({}));
    await h.send(register({ cseq: 2, auth: authFor(c, '1000', 'bad') }));
    assert.deepEqual(seen, ['192.0.2.10 1000']);
  });

  it('says stale=true for an expired nonce and accepts the new one', async () => {
    const c = await h.send(register({}));
    h.clock.advance(301_000);
    const stale = await h.send(register({ cseq: 2, auth: authFor(c, '1000', 'pw1000') }));
    assert.equal(stale.status, 401);
    assert.ok(stale.header('www-authenticate').every((x) => x.kind === 'digest' && x.stale));
    const ok = await h.send(register({ cseq: 3, auth: authFor(stale, '1000', 'pw1000') }));
    assert.equal(ok.status, 200);
    assert.equal(h.events.filter((e) => e.type === 'sip.auth-failure').length, 0);
  });

  it('refuses a replayed nonce count with stale=true', async () => {
    const c = await h.send(register({}));
    const auth = authFor(c, '1000', 'pw1000');
    assert.equal((await h.send(register({ cseq: 2, auth }))).status, 200);
    const replay = await h.send(register({ cseq: 3, auth }));
    assert.equal(replay.status, 401);
  });

  it('refuses to register another user’s AOR with 403', async () => {
    const c = await h.send(register({ toUser: '1001' }));
    const r = await h.send(
      register({ toUser: '1001', cseq: 2, auth: authFor(c, '1000', 'pw1000') }),
    );
    assert.equal(r.status, 403);
  });

  it('refuses a disabled user’s device with 403, and takes it back once enabled', async () => {
    h.disabled.add('user-1000');
    assert.equal((await registered(h, {})).status, 403);
    assert.equal(h.location.size, 0);
    h.disabled.delete('user-1000');
    assert.equal((await registered(h, { callId: 'call-2' })).status, 200);
  });

  it('answers 423 with Min-Expires below the minimum and shortens above the maximum', async () => {
    const brief = await registered(h, { expires: 30 });
    assert.equal(brief.status, 423);
    assert.deepEqual(brief.raw('min-expires'), ['60']);
    const long = await registered(h, { expires: 99_999, cseq: 5 });
    assert.deepEqual(long.raw('contact'), ['<sip:1000@192.0.2.10:5062>;expires=3600']);
  });

  it('keeps several contacts, refreshes without a new event, un-registers one and then all with *', async () => {
    await registered(h, {
      contact: ['<sip:1000@192.0.2.10:5062>;expires=600', '<sip:1000@192.0.2.11:5060>'],
      expires: 300,
    });
    const refresh = await registered(h, {
      cseq: 3,
      expires: 900,
      contact: ['<sip:1000@192.0.2.10:5062>'],
    });
    assert.deepEqual([...refresh.raw('contact')].sort(), [
      '<sip:1000@192.0.2.10:5062>;expires=900',
      '<sip:1000@192.0.2.11:5060>;expires=300',
    ]);
    assert.equal(h.events.filter((e) => e.type === 'sip.register').length, 2);
    const one = await registered(h, { cseq: 5, contact: ['<sip:1000@192.0.2.11:5060>;expires=0'] });
    assert.deepEqual(one.raw('contact'), ['<sip:1000@192.0.2.10:5062>;expires=900']);
    const badWildcard = await registered(h, { cseq: 7, contact: ['*'], expires: 60 });
    assert.equal(badWildcard.status, 400);
    const all = await registered(h, { cseq: 9, contact: ['*'], expires: 0 });
    assert.equal(all.status, 200);
    assert.deepEqual(all.raw('contact'), []);
    assert.equal(h.repo.rows.size, 0);
  });

  it('applies the Call-ID/CSeq ordering of §10.3 step 7', async () => {
    await registered(h, { cseq: 10 });
    const old = await registered(h, { cseq: 3 }); // same Call-ID, lower CSeq
    assert.equal(old.status, 500);
    const otherCall = await registered(h, { callId: 'call-2', cseq: 1 });
    assert.equal(otherCall.status, 200);
  });

  it('keys RFC 5626 bindings by instance and reg-id and echoes Path when supported', async () => {
    const inst = '+sip.instance="<urn:uuid:00000000-0000-0000-0000-0000000000aa>";reg-id=1';
    const extra = ['Supported: path, outbound', 'Path: <sip:edge.pbx.test;lr>'];
    await registered(h, { contact: [`<sip:1000@192.0.2.10:5062>;${inst}`], extra });
    const moved = await registered(h, {
      cseq: 3,
      contact: [`<sip:1000@192.0.2.99:4000>;${inst}`],
      extra,
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.raw('contact').length, 1);
    assert.match(moved.raw('contact')[0] ?? '', /192\.0\.2\.99/);
    assert.deepEqual(moved.raw('path'), ['<sip:edge.pbx.test;lr>']);
    assert.deepEqual(moved.raw('require'), ['outbound']);
  });

  it('loads unexpired bindings after a restart and purges expired ones', async () => {
    await registered(h, {
      contact: ['<sip:1000@192.0.2.10:5062>;expires=600', '<sip:1000@192.0.2.11:5060>;expires=60'],
    });
    h.location.close();
    h.clock.advance(120_000);
    const again = harness(h.repo, h.clock);
    assert.equal(await again.location.start(), 1);
    assert.equal(h.repo.rows.size, 1);
    assert.equal(
      again.location.lookup(`sip:1000@${REALM}`)[0]?.contactUri,
      'sip:1000@192.0.2.10:5062',
    );
    again.location.close();
  });

  it('binds a WSS contact to its connection and binds nothing over a connection already closed', async () => {
    const wss = (connectionId: string): Destination => ({
      transport: 'WSS',
      host: '192.0.2.10',
      port: 50123,
      reliable: true,
      connectionId,
    });
    const contact = ['<sip:1000@df7jal23ls0d.invalid;transport=ws>'];
    const challenge = await h.send(register({ contact }), wss('wss:a'));
    const ok = await h.send(
      register({ contact, cseq: 2, auth: authFor(challenge, '1000', 'pw1000') }),
      wss('wss:a'),
    );
    assert.equal(ok.status, 200);
    assert.equal(h.location.bindingsOf('dev-1000')[0]?.connectionId, 'wss:a');
    await h.location.dropConnection('wss:a');
    assert.deepEqual(h.location.bindingsOf('dev-1000'), []);
    // a REGISTER that was still on its way when its connection closed
    const late = await h.send(
      register({ contact, cseq: 3, auth: authFor(challenge, '1000', 'pw1000', 'MD5', 2) }),
      wss('wss:a'),
    );
    assert.equal(late.status, 503);
    assert.deepEqual(h.location.bindingsOf('dev-1000'), []);
    // a UDP binding carries no connection
    assert.equal((await registered(h, { callId: 'udp' })).status, 200);
    assert.equal(h.location.bindingsOf('dev-1000')[0]?.connectionId, undefined);
  });
});

describe('digestUriMatches', () => {
  it('matches equal URIs and a port added to a port-less Request-URI, nothing else', () => {
    assert.ok(digestUriMatches('sip:pbx.test', 'sip:pbx.test'));
    assert.ok(digestUriMatches('sip:PBX.test', 'sip:pbx.test'));
    assert.ok(digestUriMatches('sip:127.0.0.1:5060', 'sip:127.0.0.1'));
    assert.ok(!digestUriMatches('sip:127.0.0.1:5060', 'sip:127.0.0.1:5070'));
    assert.ok(!digestUriMatches('sip:other.test', 'sip:pbx.test'));
    assert.ok(!digestUriMatches('sips:pbx.test', 'sip:pbx.test'));
    assert.ok(!digestUriMatches('not a uri', 'sip:pbx.test'));
  });
});

describe('SipServerCore', () => {
  it('answers OPTIONS with Allow, Accept and Supported, a known method 405 and an unknown one 501', async () => {
    const h = harness();
    const options = await h.send(register({}).replace(/REGISTER/g, 'OPTIONS'));
    assert.equal(options.status, 200);
    assert.deepEqual(options.raw('allow'), ['REGISTER, OPTIONS']);
    assert.deepEqual(options.raw('accept'), ['application/sdp']);
    assert.deepEqual(options.raw('supported'), ['path, outbound']);
    const invite = await h.send(register({}).replace(/REGISTER/g, 'INVITE'));
    assert.equal(invite.status, 405);
    assert.deepEqual(invite.raw('allow'), ['REGISTER, OPTIONS']);
    assert.equal((await h.send(register({}).replace(/REGISTER/g, 'FROB'))).status, 501);
    const required = await h.send(register({ extra: ['Require: 100rel'] }));
    assert.equal(required.status, 420);
    assert.deepEqual(required.raw('unsupported'), ['100rel']);
  });
});
