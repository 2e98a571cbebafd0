import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NameAddr, Params, Via, createRequest, sipUri } from '@palisade/sip';
import type { Destination, ServerTransaction, SipRequest, SipResponse } from '@palisade/sip';
import { SipServerCore } from './sip-server-core.ts';

const source: Destination = { transport: 'UDP', host: '192.0.2.9', port: 5060, reliable: false };

function request(method: string, require: string): SipRequest {
  return createRequest({
    method,
    uri: sipUri({ user: '1002', host: 'pbx.test' }),
    from: new NameAddr(undefined, sipUri({ user: '1001', host: 'pbx.test' })).withTag('f1'),
    to: new NameAddr(undefined, sipUri({ user: '1002', host: 'pbx.test' })),
    callId: `req-${method}-${require}`,
    cseq: 1,
    via: [new Via('UDP', '192.0.2.9', 5060, Params.empty.with('branch', 'z9hG4bKcore'))],
    headers: [['Require', require]],
  });
}

function send(core: SipServerCore, req: SipRequest): SipResponse[] {
  const out: SipResponse[] = [];
  const txn = { respond: (r: SipResponse) => out.push(r) } as unknown as ServerTransaction;
  core.request(req, txn, source);
  return out;
}

test('100rel is an option tag of INVITE only: a REGISTER requiring it gets 420 with Unsupported (RFC 3261 §8.2.2.3)', () => {
  const core = new SipServerCore({ supported: ['path'], supportedFor: { INVITE: ['100rel'] } });
  const handled: string[] = [];
  core.handle('INVITE', ({ request: r }) => void handled.push(r.method));
  core.handle('REGISTER', ({ request: r }) => void handled.push(r.method));
  assert.deepEqual(send(core, request('INVITE', '100rel')), []);
  assert.deepEqual(handled, ['INVITE']);
  const [register] = send(core, request('REGISTER', '100rel'));
  assert.equal(register?.status, 420);
  assert.deepEqual(register?.header('unsupported'), ['100rel']);
  const [other] = send(core, request('INVITE', '100rel, foo'));
  assert.equal(other?.status, 420);
  assert.deepEqual(other?.header('unsupported'), ['foo']);
  assert.deepEqual(handled, ['INVITE']);
  assert.ok(core.supported.includes('100rel'), 'OPTIONS lists it');
});
