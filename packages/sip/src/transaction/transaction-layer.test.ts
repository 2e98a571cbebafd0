import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '@palisade/common';
import { NameAddr } from '../headers/name-addr.ts';
import { createRequest, createResponse } from '../message/message-builders.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { MemoryNetwork } from '../testing/memory-network.ts';
import { sipUri } from '../uri/uri-build.ts';
import { createCancel } from './ack-and-cancel.ts';
import type { ResponseOrigin } from './client-transaction.ts';
import { TransactionLayer } from './transaction-layer.ts';
import type { ServerTransaction } from './transaction-layer.ts';
import type { TransportName } from './transport.ts';

function setup(transport: TransportName = 'UDP') {
  const clock = new FakeClock();
  const net = new MemoryNetwork(clock);
  const a = net.endpoint('192.0.2.1', 5060, transport);
  const b = net.endpoint('192.0.2.2', 5060, transport);
  const atUas: { request: SipRequest; txn: ServerTransaction | undefined }[] = [];
  const env = {
    clock,
    net,
    a,
    b,
    atUas,
    stray: [] as SipResponse[],
    onUas: (_r: SipRequest, _t: ServerTransaction | undefined): void => undefined,
    uac: undefined as unknown as TransactionLayer,
    uas: undefined as unknown as TransactionLayer,
  };
  env.uas = new TransactionLayer({
    transport: b,
    clock,
    user: {
      request: (request, txn) => {
        atUas.push({ request, txn });
        env.onUas(request, txn);
      },
    },
  });
  env.uac = new TransactionLayer({
    transport: a,
    clock,
    user: { request: () => undefined, strayResponse: (r) => env.stray.push(r) },
  });
  a.bind((m, s) => env.uac.receive(m, s));
  b.bind((m, s) => env.uas.receive(m, s));
  return env;
}

function request(method: string, cseq = 1): SipRequest {
  return createRequest({
    method,
    uri: sipUri({ user: 'bob', host: '192.0.2.2' }),
    from: new NameAddr(undefined, sipUri({ user: 'alice', host: 'atlanta.example' })).withTag('a1'),
    to: new NameAddr(undefined, sipUri({ user: 'bob', host: 'biloxi.example' })),
    callId: 'call-1',
    cseq,
  });
}

function collector(clock: FakeClock) {
  const got: { status: number; origin: ResponseOrigin; at: number; response: SipResponse }[] = [];
  let terminated = 0;
  return {
    got,
    get terminated() {
      return terminated;
    },
    user: {
      response: (response: SipResponse, origin: ResponseOrigin) =>
        got.push({ status: response.status, origin, at: clock.monotonic(), response }),
      terminated: () => {
        terminated++;
      },
    },
  };
}

const sendTimes = (env: ReturnType<typeof setup>, label: string) =>
  env.net.log
    .filter((r) => (r.message.isRequest ? r.message.method : String(r.message.status)) === label)
    .map((r) => r.at);

test('INVITE over UDP with no answer: Timer A doubles from T1, Timer B gives the TU a 408 at 64*T1', () => {
  const env = setup();
  env.net.drop = () => true;
  const c = collector(env.clock);
  const txn = env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  assert.equal(txn.state, 'calling');
  env.clock.advance(40_000);
  assert.deepEqual(sendTimes(env, 'INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(c.got.length, 1);
  assert.deepEqual([c.got[0]?.status, c.got[0]?.origin, c.got[0]?.at], [408, 'timeout', 32_000]);
  assert.equal(txn.state, 'terminated');
  assert.equal(c.terminated, 1);
  assert.equal(env.uac.clientCount, 0);
  assert.equal(env.clock.pendingTimers, 0);
});

test('INVITE over TCP: no retransmissions, still Timer B', () => {
  const env = setup('TCP');
  env.net.drop = () => true;
  const c = collector(env.clock);
  env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  env.clock.advance(40_000);
  assert.deepEqual(sendTimes(env, 'INVITE'), [0]);
  assert.deepEqual(
    c.got.map((g) => [g.status, g.at]),
    [[408, 32_000]],
  );
});

test('non-INVITE over UDP with no answer: Timer E doubles up to T2, Timer F gives a 408', () => {
  const env = setup();
  env.net.drop = () => true;
  const c = collector(env.clock);
  env.uac.sendRequest(request('OPTIONS'), env.b.destination, c.user);
  env.clock.advance(40_000);
  assert.deepEqual(
    sendTimes(env, 'OPTIONS'),
    [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
  );
  assert.deepEqual(
    c.got.map((g) => [g.status, g.origin, g.at]),
    [[408, 'timeout', 32_000]],
  );
});

test('non-INVITE in Proceeding retransmits every T2; the server answers retransmissions, the TU sees one request', () => {
  const env = setup();
  const c = collector(env.clock);
  env.onUas = (req, txn) => {
    if (req.method === 'REGISTER' && txn) txn.respond(createResponse(req, 100));
  };
  const txn = env.uac.sendRequest(request('REGISTER'), env.b.destination, c.user);
  env.clock.advance(10);
  assert.equal(txn.state, 'proceeding');
  env.clock.advance(9_000);
  assert.deepEqual(sendTimes(env, 'REGISTER'), [0, 500, 4500, 8500]);
  assert.equal(env.atUas.length, 1, 'retransmissions are absorbed');
  assert.equal(
    sendTimes(env, '100').length,
    4,
    'each retransmission gets the last provisional again',
  );
  const server = env.atUas[0]?.txn;
  assert.ok(server);
  server.respond(createResponse(server.request, 200));
  env.clock.advance(10);
  assert.deepEqual(
    c.got.map((g) => g.status),
    [100, 100, 100, 100, 200].slice(0, c.got.length),
  );
  assert.equal(c.got.at(-1)?.status, 200);
  assert.equal(txn.state, 'completed');
  // Timer K (T4) over UDP, Timer J (64*T1) on the server
  env.clock.advance(5_000);
  assert.equal(txn.state, 'terminated');
  assert.equal(server.state, 'completed');
  env.clock.advance(32_000);
  assert.equal(server.state, 'terminated');
  assert.equal(env.uas.serverCount, 0);
});

test('INVITE rejected: the client transaction ACKs the non-2xx, the server absorbs it (Timers G, H, I, D)', () => {
  const env = setup();
  const c = collector(env.clock);
  env.onUas = (req, txn) => {
    if (req.method === 'INVITE' && txn) {
      txn.respond(createResponse(req, 180, { toTag: 'b1' }));
      txn.respond(createResponse(req, 486, { toTag: 'b1' }));
    }
  };
  let acks = 0;
  // lose the first ACK: the server retransmits 486 on Timer G and the client ACKs again
  env.net.drop = (m) => m.isRequest && m.method === 'ACK' && acks++ === 0;
  const txn = env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  env.clock.advance(10);
  assert.deepEqual(
    c.got.map((g) => g.status),
    [180, 486],
  );
  assert.equal(txn.state, 'completed');
  const server = env.atUas[0]?.txn;
  assert.ok(server?.kind === 'invite-server');
  assert.equal(server.state, 'completed');
  env.clock.advance(600);
  assert.deepEqual(sendTimes(env, '486'), [1, 501]);
  assert.equal(sendTimes(env, 'ACK').length, 2);
  assert.equal(server.state, 'confirmed');
  assert.equal(c.got.length, 2, 'the retransmitted 486 is not passed up again');
  assert.equal(env.atUas.length, 1, 'the ACK is absorbed by the server transaction');
  const ack = env.net.log.find((r) => r.message.isRequest && r.message.method === 'ACK')?.message;
  assert.ok(ack?.isRequest);
  assert.equal(ack.topVia.branch, txn.request.topVia.branch);
  assert.equal(ack.to.tag, 'b1');
  assert.deepEqual(ack.cseq, { seq: 1, method: 'ACK' });
  env.clock.advance(5_000);
  assert.equal(server.state, 'terminated', 'Timer I (T4)');
  assert.equal(txn.state, 'completed');
  env.clock.advance(32_000);
  assert.equal(txn.state, 'terminated', 'Timer D (32 s)');
  assert.equal(env.clock.pendingTimers, 0);
});

test('INVITE server without an ACK: Timer G caps at T2, Timer H ends it and says why', () => {
  const env = setup();
  const c = collector(env.clock);
  env.onUas = (req, txn) => txn?.respond(createResponse(req, 404));
  env.net.drop = (m) => m.isRequest && m.method === 'ACK';
  env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  env.clock.advance(1);
  const server = env.atUas[0]?.txn;
  assert.ok(server);
  let ended = '';
  server.events.on('terminated', (why) => (ended = why));
  env.clock.advance(33_000);
  const times = sendTimes(env, '404').map((t) => t - 1);
  assert.deepEqual(times, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.equal(ended, 'ack_timeout');
});

test('INVITE accepted (RFC 6026): 2xx retransmissions reach the TU, the 2xx ACK goes to the UAS TU, Timers L and M end both', () => {
  const env = setup();
  const c = collector(env.clock);
  env.onUas = (req, txn) => {
    if (req.method === 'INVITE' && txn) txn.respond(createResponse(req, 200, { toTag: 'b2' }));
  };
  const txn = env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  env.clock.advance(10);
  assert.equal(txn.state, 'accepted');
  const server = env.atUas[0]?.txn;
  assert.ok(server?.kind === 'invite-server');
  assert.equal(server.state, 'accepted');
  // the UAS core retransmits its 2xx (RFC 3261 §13.3.1.4): it passes and reaches the UAC TU
  assert.equal(server.respond(server.finalResponse!), true);
  assert.equal(
    server.respond(createResponse(server.request, 486)),
    false,
    'no non-2xx after a 2xx',
  );
  env.clock.advance(10);
  assert.deepEqual(
    c.got.map((g) => g.status),
    [200, 200],
  );
  // an INVITE retransmission in Accepted is absorbed, not passed up
  env.uac.sendStateless(txn.request, env.b.destination);
  env.clock.advance(10);
  assert.equal(env.atUas.length, 1);
  // the ACK for a 2xx is a new transaction: the TU gets it without a server transaction
  const ok = c.got[0]!.response;
  const ack = createRequest({
    method: 'ACK',
    uri: txn.request.uri,
    from: txn.request.from,
    to: ok.to,
    callId: ok.callId,
    cseq: 1,
  });
  env.uac.sendStateless(ack, env.b.destination);

  env.clock.advance(10);
  assert.equal(env.atUas.length, 2);
  assert.equal(env.atUas[1]?.request.method, 'ACK');
  assert.equal(env.atUas[1]?.txn, undefined);
  const ackVia = env.atUas[1]?.request.topVia;
  assert.ok(ackVia?.hasRfc3261Branch);
  assert.notEqual(ackVia.branch, txn.request.topVia.branch, 'the 2xx ACK has its own branch');
  env.clock.advance(32_000);
  assert.equal(txn.state, 'terminated', 'Timer M');
  assert.equal(server.state, 'terminated', 'Timer L');
  // a late 2xx retransmission now matches nothing and is a stray response
  env.uas.sendStateless(ok, env.a.destination);
  env.clock.advance(10);
  assert.equal(env.stray.length, 1);
});

test('a silent TU gets a 100 Trying sent for it after 200 ms', () => {
  const env = setup();
  const c = collector(env.clock);
  env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  env.clock.advance(150);
  assert.deepEqual(sendTimes(env, '100'), []);
  env.clock.advance(100);
  assert.deepEqual(sendTimes(env, '100'), [201]);
  env.clock.advance(10);
  assert.deepEqual(
    c.got.map((g) => g.status),
    [100],
  );
  assert.equal(c.got[0]?.response.to.tag, undefined, 'no To tag on 100');
  assert.deepEqual(sendTimes(env, 'INVITE'), [0], 'the 100 stops Timer A');
});

test('CANCEL waits for a provisional response, finds its INVITE, and the INVITE ends with 487', () => {
  const env = setup();
  const c = collector(env.clock);
  const cancelled = collector(env.clock);
  env.onUas = (req, txn) => {
    if (!txn) return;
    if (req.method === 'INVITE') {
      env.clock.setTimeout(() => txn.respond(createResponse(req, 180, { toTag: 'b3' })), 50);
      return;
    }
    if (req.method === 'CANCEL') {
      const target = env.uas.findCancelTarget(req);
      assert.ok(target);
      txn.respond(createResponse(req, 200));
      target.respond(createResponse(target.request, 487, { toTag: 'b3' }));
    }
  };
  const invite = env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  assert.ok(invite.kind === 'invite-client');
  env.uac.cancel(invite, cancelled.user);
  env.clock.advance(20);
  assert.deepEqual(sendTimes(env, 'CANCEL'), [], 'no CANCEL before a provisional response (§9.1)');
  env.clock.advance(100);
  assert.equal(sendTimes(env, 'CANCEL').length, 1);
  assert.deepEqual(
    cancelled.got.map((g) => g.status),
    [200],
  );
  assert.deepEqual(
    c.got.map((g) => g.status),
    [180, 487],
  );
  const cancel = env.atUas.find((x) => x.request.method === 'CANCEL')?.request;
  assert.equal(cancel?.topVia.branch, invite.request.topVia.branch);
  assert.equal(sendTimes(env, 'ACK').length, 1);
});

test('RFC 2543 requests (no magic cookie) match on Request-URI, tags, Call-ID, CSeq and Via', () => {
  const env = setup();
  env.onUas = (req, txn) => txn?.respond(createResponse(req, 603, { toTag: 'old' }));
  const old = request('INVITE').withRawHeader('via', ['SIP/2.0/UDP 192.0.2.1:5060']);
  env.uac.sendStateless(old, env.b.destination);
  env.uac.sendStateless(old, env.b.destination);
  env.clock.advance(10);
  assert.equal(env.atUas.length, 1, 'the retransmission matched the same transaction');
  const server = env.atUas[0]?.txn;
  assert.ok(server?.kind === 'invite-server');
  const reply = createRequest({
    method: 'ACK',
    uri: old.uri,
    from: old.from,
    to: old.to.withTag('other'),
    callId: old.callId,
    cseq: 1,
  }).prependHeader('via', old.topVia);
  env.uac.sendStateless(reply, env.b.destination);
  env.clock.advance(10);
  assert.equal(env.atUas.length, 2, 'an ACK with another To tag is not ours: it goes to the TU');
  env.uac.sendStateless(reply.withHeader('to', [old.to.withTag('old')]), env.b.destination);
  env.clock.advance(10);
  assert.equal(env.atUas.length, 2);
  assert.equal(server.state, 'confirmed');
});

test('a transport error ends a client transaction with a 503 for the TU', () => {
  const env = setup();
  const c = collector(env.clock);
  env.uac.sendRequest(request('OPTIONS'), { ...env.b.destination, port: 9 }, c.user);
  env.clock.advance(10);
  assert.deepEqual(
    c.got.map((g) => [g.status, g.origin]),
    [[503, 'transport_error']],
  );
  assert.equal(env.uac.clientCount, 0);
});

test('close() ends every transaction and leaves no timer behind; it is idempotent', () => {
  const env = setup();
  env.net.drop = () => true;
  env.uac.sendRequest(request('INVITE'), env.b.destination, collector(env.clock).user);
  env.uac.sendRequest(request('OPTIONS', 2), env.b.destination, collector(env.clock).user);
  assert.ok(env.clock.pendingTimers > 0);
  env.uac.close();
  env.uac.close();
  assert.equal(env.clock.pendingTimers, 0);
  assert.equal(env.uac.clientCount, 0);
  assert.throws(() =>
    env.uac.sendRequest(request('OPTIONS', 3), env.b.destination, collector(env.clock).user),
  );
});

test('RFC 2543 non-INVITE requests match with their To tag; CANCEL finds an RFC 2543 INVITE', () => {
  const env = setup();
  const old = (method: string) =>
    request(method).withRawHeader('via', ['SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK']);
  env.uac.sendStateless(old('OPTIONS'), env.b.destination);
  env.uac.sendStateless(old('OPTIONS'), env.b.destination);
  env.uac.sendStateless(
    old('OPTIONS').withHeader('to', [old('OPTIONS').to.withTag('t2')]),
    env.b.destination,
  );
  env.clock.advance(10);
  assert.deepEqual(
    env.atUas.map((x) => x.request.to.tag),
    [undefined, 't2'],
    'a retransmission is absorbed, another To tag is another transaction',
  );
  env.uac.sendStateless(old('INVITE'), env.b.destination);
  env.clock.advance(10);
  const invite = env.atUas.at(-1)?.txn;
  assert.equal(invite?.kind, 'invite-server');
  assert.equal(env.uas.findCancelTarget(createCancel(old('INVITE'))), invite);
});

test('a transport error in Accepted is reported but INVITE retransmissions stay absorbed until Timer L', () => {
  const env = setup();
  const c = collector(env.clock);
  let reported = 0;
  env.onUas = (req, txn) => {
    if (req.method !== 'INVITE' || txn?.kind !== 'invite-server') return;
    txn.events.on('transportError', () => reported++);
    txn.respond(createResponse(req, 200, { toTag: 'x' }));
  };
  // the 2xx cannot be delivered
  env.net.refuse = (m) => !m.isRequest && m.status === 200;
  const invite = env.uac.sendRequest(request('INVITE'), env.b.destination, c.user);
  env.clock.advance(10);
  const server = env.atUas[0]?.txn;
  assert.equal(reported, 1);
  assert.deepEqual(c.got, [], 'the UAC never saw the 2xx');
  assert.equal(server?.state, 'accepted');
  env.uac.sendStateless(invite.request, env.b.destination);
  env.clock.advance(10);
  assert.equal(env.atUas.length, 1, 'the retransmission did not reach the TU as a new INVITE');
  env.clock.advance(32_000);
  assert.equal(server?.state, 'terminated');
});

test('a stateless answer of the TU (RFC 3261 §8.2.7) goes out at once and leaves no transaction; a retransmission gets the same bytes again', () => {
  const env = setup();
  const toTu: string[] = [];
  let nonces = 0;
  env.uas = new TransactionLayer({
    transport: env.b,
    clock: env.clock,
    user: {
      request: (req) => toTu.push(req.method),
      // a fresh nonce every time, as a real challenge
      statelessResponse: (req) =>
        req.has('authorization')
          ? undefined
          : createResponse(req, 401, {
              toTag: 'st',
              headers: [['WWW-Authenticate', `Digest realm="x", nonce="${++nonces}"`]],
            }),
    },
  });
  const c = collector(env.clock);
  let lost = 0;
  env.net.drop = (m) => !m.isRequest && m.status === 401 && lost++ === 0;
  env.uac.sendRequest(request('REGISTER'), env.b.destination, c.user);
  env.clock.advance(600);
  assert.equal(sendTimes(env, '401').length, 2, 'the retransmission at T1 is answered again');
  const answers = env.net.log.filter((r) => !r.message.isRequest).map((r) => r.message.toString());
  assert.equal(answers[1], answers[0], 'with the same bytes (the same nonce)');
  assert.equal(nonces, 1, 'the TU was asked once');
  assert.deepEqual(
    c.got.map((g) => g.status),
    [401],
  );
  assert.equal(env.uas.serverCount, 0);
  assert.deepEqual(toTu, []);
  // a new request (a new branch) gets a new answer
  env.uac.sendRequest(request('REGISTER', 3), env.b.destination, c.user);
  env.clock.advance(10);
  assert.equal(nonces, 2);
  const authorized = request('REGISTER', 2).appendRawHeader('Authorization', 'Digest username="a"');
  env.uac.sendRequest(authorized, env.b.destination, c.user);
  env.clock.advance(10);
  assert.deepEqual(toTu, ['REGISTER'], 'with credentials: to the TU with a transaction');
  assert.equal(env.uas.serverCount, 1);
});
