import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FakeClock, isPalisadeError } from '@palisade/common';
import { computeDigestResponse, computeHa1 } from './digest-algorithm.ts';
import type { DigestAlgorithm, DigestResponseInput } from './digest-algorithm.ts';
import { DigestAuthenticator } from './digest-authenticator.ts';
import type { DigestAuthenticatorOptions, DigestChallenge } from './digest-authenticator.ts';
import { digestAlgorithmOf } from './digest-credentials.ts';

const REALM = 'pbx.example.com';
const USER = '1001';
const SECRET = 'K7sd93kdLq02mZpx81vbQaaT';
const URI = 'sip:pbx.example.com';
const KEY = randomBytes(32);

function make(options: Partial<DigestAuthenticatorOptions> = {}) {
  const clock = new FakeClock();
  const auth = new DigestAuthenticator({ secretKey: KEY, clock, ...options });
  return { clock, auth };
}

/** What a well-behaved client sends in answer to `ch`. */
function answer(
  ch: DigestChallenge,
  over: { password?: string; nc?: string; uri?: string; method?: string; cnonce?: string } = {},
): Record<string, string> {
  const nc = over.nc ?? '00000001';
  const cnonce = over.cnonce ?? 'c1ient-n0nce';
  const uri = over.uri ?? URI;
  const ha1 = computeHa1(ch.algorithm, USER, ch.realm, over.password ?? SECRET);
  const response = computeDigestResponse({
    algorithm: ch.algorithm,
    ha1,
    nonce: ch.nonce,
    method: over.method ?? 'REGISTER',
    uri,
    qop: { nc, cnonce },
  });
  return {
    username: USER,
    realm: ch.realm,
    nonce: ch.nonce,
    uri,
    response,
    algorithm: ch.algorithm,
    qop: 'auth',
    nc,
    cnonce,
    opaque: ch.opaque,
  };
}

function storedHa1(algorithm: DigestAlgorithm): string {
  return computeHa1(algorithm, USER, REALM, SECRET);
}

function verify(auth: DigestAuthenticator, params: Record<string, string>, known = true) {
  const algorithm = digestAlgorithmOf(params) ?? 'MD5';
  return auth.verify({
    method: 'REGISTER',
    uri: URI,
    realm: REALM,
    params,
    ha1: known ? storedHa1(algorithm) : null,
  });
}

test('challenges: one per algorithm, SHA-256 first, qop=auth, fresh nonces', () => {
  const { auth } = make({ algorithms: ['MD5', 'SHA-256'] });
  const chs = auth.challenges(REALM);
  assert.deepEqual(
    chs.map((c) => c.algorithm),
    ['SHA-256', 'MD5'],
  );
  for (const c of chs) {
    assert.equal(c.realm, REALM);
    assert.equal(c.qop, 'auth');
    assert.equal(c.stale, false);
    assert.match(c.nonce, /^[A-Za-z0-9_-]{75}$/);
  }
  assert.notEqual(chs[0]!.nonce, chs[1]!.nonce);
  assert.equal(chs[0]!.opaque, chs[1]!.opaque);
  assert.deepEqual(
    make({ algorithms: ['MD5'] })
      .auth.challenges(REALM)
      .map((c) => c.algorithm),
    ['MD5'],
  );
  assert.equal(auth.challenges(REALM, { stale: true })[0]!.stale, true);
});

test('correct credentials pass, with either algorithm', () => {
  const { auth } = make();
  for (const ch of auth.challenges(REALM)) {
    assert.deepEqual(verify(auth, answer(ch)), {
      ok: true,
      username: USER,
      algorithm: ch.algorithm,
    });
  }
});

test('parameter names are case-insensitive; absent algorithm means MD5', () => {
  const { auth } = make();
  const ch = auth.challenges(REALM).find((c) => c.algorithm === 'MD5')!;
  const p = answer(ch);
  const { algorithm: _dropped, ...noAlgorithm } = p;
  const upper = Object.fromEntries(
    Object.entries(noAlgorithm).map(([k, v]) => [k.toUpperCase(), v]),
  );
  assert.equal(verify(auth, upper).ok, true);
});

test('wrong password: bad-response, no stale', () => {
  const { auth } = make();
  const ch = auth.challenges(REALM)[0]!;
  assert.deepEqual(verify(auth, answer(ch, { password: 'wrong' })), {
    ok: false,
    reason: 'bad-response',
    stale: false,
  });
});

test('unknown user looks exactly like a wrong password to the peer, and takes the same path', () => {
  const calls: DigestResponseInput[] = [];
  const { auth } = make({
    computeResponse: (input) => {
      calls.push(input);
      return computeDigestResponse(input);
    },
  });
  const [ch1, ch2] = [auth.challenges(REALM)[0]!, auth.challenges(REALM)[0]!];
  const unknown = verify(auth, answer(ch1), false);
  const wrong = verify(auth, answer(ch2, { password: 'wrong' }), true);
  assert.deepEqual(unknown, { ok: false, reason: 'unknown-user', stale: false });
  // Apart from the reason (ours only), the outcomes are the same.
  assert.equal(unknown.ok, wrong.ok);
  assert.equal(!unknown.ok && unknown.stale, !wrong.ok && wrong.stale);
  // The dummy computation happened: one response computed per request, the
  // unknown user's against a well-formed HA1 that is not the real one.
  assert.equal(calls.length, 2);
  assert.match(calls[0]!.ha1, /^[0-9a-f]{64}$/);
  assert.notEqual(calls[0]!.ha1, storedHa1('SHA-256'));
  assert.equal(calls[1]!.ha1, storedHa1('SHA-256'));
  // The next challenges carry the same bytes apart from the nonce.
  const strip = (c: DigestChallenge) => ({ ...c, nonce: '' });
  assert.deepEqual(auth.challenges(REALM).map(strip), auth.challenges(REALM).map(strip));
});

test('an unknown user with a stale nonce gets no stale=true either', () => {
  const { auth, clock } = make();
  const ch = auth.challenges(REALM)[0]!;
  clock.advance(301_000);
  assert.deepEqual(verify(auth, answer(ch), false), {
    ok: false,
    reason: 'unknown-user',
    stale: false,
  });
  assert.deepEqual(verify(auth, answer(ch, { password: 'x' })), {
    ok: false,
    reason: 'bad-response',
    stale: false,
  });
});

test('stale: an expired nonce with a correct digest asks for stale=true', () => {
  const { auth, clock } = make({ nonceLifetimeSeconds: 60 });
  const ch = auth.challenges(REALM)[0]!;
  clock.advance(59_000);
  assert.equal(verify(auth, answer(ch)).ok, true);
  clock.advance(2_000);
  assert.deepEqual(verify(auth, answer(ch, { nc: '00000002' })), {
    ok: false,
    reason: 'stale',
    stale: true,
  });
});

test('replay: the same nc twice is refused; the next nc passes', () => {
  const { auth } = make();
  const ch = auth.challenges(REALM)[0]!;
  assert.equal(verify(auth, answer(ch)).ok, true);
  assert.deepEqual(verify(auth, answer(ch)), { ok: false, reason: 'replay', stale: true });
  assert.equal(verify(auth, answer(ch, { nc: '00000002' })).ok, true);
  assert.equal(verify(auth, answer(ch, { nc: '00000002', cnonce: 'other' })).ok, false);
});

test('forged, tampered and foreign nonces are bad-nonce', () => {
  const { auth } = make();
  const ch = auth.challenges(REALM)[0]!;
  const forged = { ...ch, nonce: randomBytes(56).toString('base64url') };
  assert.deepEqual(verify(auth, answer(forged)), { ok: false, reason: 'bad-nonce', stale: false });
  // Flip one bit of the issue time: the MAC no longer matches.
  const raw = Buffer.from(ch.nonce, 'base64url');
  raw[7]! ^= 1;
  assert.equal(
    (verify(auth, answer({ ...ch, nonce: raw.toString('base64url') })) as { reason: string })
      .reason,
    'bad-nonce',
  );
  // A nonce made for another realm, or by a server with another key.
  const otherRealm = auth.challenges('other.example.com')[0]!;
  assert.equal(
    (
      verify(auth, answer({ ...otherRealm, realm: REALM, opaque: ch.opaque })) as {
        reason: string;
      }
    ).reason,
    'bad-nonce',
  );
  const stranger = make({ secretKey: randomBytes(32) }).auth.challenges(REALM)[0]!;
  assert.equal(
    (verify(auth, answer({ ...stranger, opaque: ch.opaque })) as { reason: string }).reason,
    'bad-nonce',
  );
  for (const nonce of ['', 'short', ch.nonce + 'A', ch.nonce.slice(0, -1) + '*']) {
    assert.equal(verify(auth, { ...answer(ch), nonce }).ok, false);
  }
});

test('a nonce from the future (tampered clock) is bad-nonce', () => {
  const { auth, clock } = make();
  const early = make({ clock }).auth; // same key, same clock
  clock.advance(3_600_000);
  const ch = early.challenges(REALM)[0]!;
  const { auth: past } = make(); // clock an hour behind, same key
  assert.equal(verify(auth, answer(ch)).ok, true);
  assert.deepEqual(verify(past, answer(ch)), { ok: false, reason: 'bad-nonce', stale: false });
});

test('digest-uri must match the Request-URI; realm and opaque must be ours', () => {
  const { auth } = make();
  const ch = auth.challenges(REALM)[0]!;
  const otherUri = answer(ch, { uri: 'sip:other@pbx.example.com' });
  assert.deepEqual(verify(auth, otherUri), { ok: false, reason: 'malformed', stale: false });
  assert.equal(
    (verify(auth, { ...answer(ch), realm: 'evil.example' }) as { reason: string }).reason,
    'malformed',
  );
  assert.equal(
    (verify(auth, { ...answer(ch), opaque: 'x' }) as { reason: string }).reason,
    'malformed',
  );
  const { opaque: _o, ...noOpaque } = answer(ch);
  assert.equal(verify(auth, noOpaque).ok, true);
});

test('malformed credentials are refused before any hashing', () => {
  let computed = 0;
  const { auth } = make({
    computeResponse: (i) => {
      computed++;
      return computeDigestResponse(i);
    },
  });
  const ch = auth.challenges(REALM)[0]!;
  const good = answer(ch);
  const bad: Record<string, string>[] = [
    { ...good, qop: 'auth-int' },
    { ...good, qop: 'bogus' },
    { ...good, nc: '1' },
    { ...good, nc: '00000000' },
    { ...good, nc: 'zzzzzzzz' },
    { ...good, cnonce: '' },
    { ...good, response: good.response!.slice(1) },
    { ...good, response: 'g'.repeat(64) },
    { ...good, username: '' },
    { ...good, username: 'u'.repeat(257) },
    { ...good, uri: 'x'.repeat(5000) },
    { ...good, userhash: 'true' },
    Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, 'v'])),
  ];
  for (const { response: _r, ...rest } of [good]) bad.push(rest);
  for (const { qop: _q, ...rest } of [good]) bad.push(rest); // qop required by default
  for (const params of bad) {
    assert.deepEqual(verify(auth, params), { ok: false, reason: 'malformed', stale: false });
  }
  assert.equal(computed, 0);
});

test('an algorithm we did not offer is refused as algorithm', () => {
  const { auth } = make({ algorithms: ['SHA-256'] });
  const ch = auth.challenges(REALM)[0]!;
  const md5 = answer({ ...ch, algorithm: 'MD5' });
  assert.deepEqual(verify(auth, md5), { ok: false, reason: 'algorithm', stale: false });
  assert.deepEqual(verify(auth, { ...answer(ch), algorithm: 'MD5-sess' }), {
    ok: false,
    reason: 'algorithm',
    stale: false,
  });
});

test('without strict qop, RFC 2069-style credentials work once per nonce', () => {
  const { auth } = make({ requireQop: false });
  const ch = auth.challenges(REALM)[0]!;
  const ha1 = storedHa1(ch.algorithm);
  const response = computeDigestResponse({
    algorithm: ch.algorithm,
    ha1,
    nonce: ch.nonce,
    method: 'REGISTER',
    uri: URI,
  });
  const params = {
    username: USER,
    realm: REALM,
    nonce: ch.nonce,
    uri: URI,
    response,
    algorithm: ch.algorithm,
  };
  assert.equal(verify(auth, params).ok, true);
  assert.deepEqual(verify(auth, params), { ok: false, reason: 'replay', stale: true });
});

test('bad configuration is refused', () => {
  for (const options of [
    { secretKey: randomBytes(16) },
    { secretKey: KEY, nonceLifetimeSeconds: 0 },
    { secretKey: KEY, algorithms: [] },
    { secretKey: KEY, algorithms: ['SHA-1' as DigestAlgorithm] },
    { secretKey: KEY, maxTrackedNonces: 0 },
  ]) {
    assert.throws(
      () => new DigestAuthenticator(options),
      (e) => isPalisadeError(e, 'config_invalid'),
    );
  }
});

test('a stored HA1 of the wrong shape is a bug, not a failed login', () => {
  const { auth } = make();
  const ch = auth.challenges(REALM)[0]!;
  assert.throws(
    () =>
      auth.verify({ method: 'REGISTER', uri: URI, realm: REALM, params: answer(ch), ha1: 'abc' }),
    TypeError,
  );
});

test('under memory pressure an untracked old nonce is answered as stale, never accepted twice', () => {
  const { auth, clock } = make({ maxTrackedNonces: 1 });
  const first = auth.challenges(REALM)[0]!;
  const second = auth.challenges(REALM)[0]!;
  assert.equal(verify(auth, answer(first)).ok, true);
  assert.equal(verify(auth, answer(second)).ok, true); // evicts the first
  assert.deepEqual(verify(auth, answer(first, { nc: '00000002' })), {
    ok: false,
    reason: 'stale',
    stale: true,
  });
  assert.deepEqual(verify(auth, answer(first)), { ok: false, reason: 'stale', stale: true });
  // Nonces issued after the eviction are welcome.
  clock.advance(1000);
  const third = auth.challenges(REALM)[0]!;
  assert.equal(verify(auth, answer(third)).ok, true);
});
