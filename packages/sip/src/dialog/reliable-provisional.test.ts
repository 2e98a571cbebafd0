import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '@palisade/common';
import { NameAddr } from '../headers/name-addr.ts';
import { Via } from '../headers/via-header.ts';
import { Params } from '../grammar/generic-params.ts';
import { createRequest, createResponse } from '../message/message-builders.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { sipUri } from '../uri/uri-build.ts';
import {
  ReliableProvisionalReceiver,
  ReliableProvisionalSender,
  isReliableProvisional,
  reliabilityOf,
} from './reliable-provisional.ts';

function invite(headers: [string, string][] = []): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'bob', host: 'biloxi.example' }),
    from: new NameAddr(undefined, sipUri({ user: 'alice', host: 'atlanta.example' })).withTag('a1'),
    to: new NameAddr(undefined, sipUri({ user: 'bob', host: 'biloxi.example' })),
    callId: 'rel-1',
    cseq: 7,
    via: [new Via('UDP', 'pc33.atlanta.example', 5060, Params.empty.with('branch', 'z9hG4bK1'))],
    headers,
  });
}

const prack = (rack: string): SipRequest =>
  createRequest({
    method: 'PRACK',
    uri: sipUri({ host: 'biloxi.example' }),
    from: new NameAddr(undefined, sipUri({ user: 'alice', host: 'atlanta.example' })).withTag('a1'),
    to: new NameAddr(undefined, sipUri({ user: 'bob', host: 'biloxi.example' })).withTag('b1'),
    callId: 'rel-1',
    cseq: 8,
    via: [new Via('UDP', 'pc33.atlanta.example', 5060, Params.empty.with('branch', 'z9hG4bK2'))],
    headers: [['RAck', rack]],
  });

function rig(reliableTransport = false) {
  const clock = new FakeClock();
  const sent: { at: number; response: SipResponse }[] = [];
  let timedOut = 0;
  const req = invite([['Supported', '100rel']]);
  const sender = new ReliableProvisionalSender({
    clock,
    invite: req,
    send: (response) => sent.push({ at: clock.monotonic(), response }),
    reliableTransport,
    onTimeout: () => timedOut++,
    firstRSeq: 100,
  });
  const sdp = (status: number): SipResponse =>
    createResponse(req, status, {
      toTag: 'b1',
      body: Buffer.from('v=0\r\n'),
      contentType: 'application/sdp',
    });
  const plain = (status: number): SipResponse => createResponse(req, status, { toTag: 'b1' });
  return { clock, sent, sender, sdp, plain, req, timedOut: () => timedOut };
}

test('reliabilityOf reads Require before Supported', () => {
  assert.equal(reliabilityOf(invite([['Require', '100rel']])), 'required');
  assert.equal(reliabilityOf(invite([['Supported', 'timer, 100REL']])), 'supported');
  assert.equal(reliabilityOf(invite([['Supported', 'timer']])), 'none');
});

test('a reliable provisional carries RSeq and Require: 100rel, retransmitted at T1 doubling until PRACK (RFC 3262 §3)', () => {
  const { clock, sent, sender, sdp } = rig();
  sender.send(sdp(183));
  assert.equal(sent.length, 1);
  const first = sent[0]!.response;
  assert.equal(first.first('rseq'), 100);
  assert.deepEqual(first.header('require'), ['100rel']);
  assert.ok(isReliableProvisional(first));
  clock.advance(500);
  clock.advance(1000);
  clock.advance(2000);
  assert.deepEqual(
    sent.map((s) => s.at),
    [0, 500, 1500, 3500],
  );
  assert.ok(sent.every((s) => s.response.first('rseq') === 100));
  assert.equal(sender.prack(prack('100 7 INVITE')), 'acknowledged');
  clock.advance(60_000);
  assert.equal(sent.length, 4, 'no retransmission after the PRACK');
  assert.equal(sender.state, 'idle');
});

test('a PRACK whose RAck does not match is refused (481) and changes nothing', () => {
  const { sender, sdp } = rig();
  sender.send(sdp(183));
  assert.equal(sender.prack(prack('99 7 INVITE')), 'no_match');
  assert.equal(sender.prack(prack('100 6 INVITE')), 'no_match');
  assert.equal(sender.prack(prack('100 7 BYE')), 'no_match');
  assert.equal(sender.state, 'awaiting_prack');
  assert.equal(sender.prack(prack('100 7 INVITE')), 'acknowledged');
  // the same PRACK again names nothing unacknowledged
  assert.equal(sender.prack(prack('100 7 INVITE')), 'no_match');
});

test('a second reliable provisional waits for the PRACK of the first, with the next RSeq', () => {
  const { sent, sender, sdp, plain } = rig(true);
  sender.send(plain(180));
  sender.send(sdp(183));
  assert.equal(sent.length, 1);
  assert.equal(sender.prack(prack('100 7 INVITE')), 'acknowledged');
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.response.status, 183);
  assert.equal(sent[1]!.response.first('rseq'), 101);
});

test('no retransmission over a reliable transport, but the 64·T1 limit still holds', () => {
  const { clock, sent, sender, sdp, timedOut } = rig(true);
  sender.send(sdp(183));
  clock.advance(31_999);
  assert.equal(sent.length, 1);
  assert.equal(timedOut(), 0);
  clock.advance(1);
  assert.equal(timedOut(), 1);
  assert.equal(sender.state, 'timed_out');
});

test('a 2xx waits for the PRACK of a provisional with SDP, not of one without', async () => {
  const { sender, plain } = rig();
  sender.send(plain(180));
  assert.equal(await sender.mayAnswer(), true, 'a bodiless provisional does not hold the 2xx');
  sender.close();

  const second = rig();
  second.sender.send(second.sdp(183));
  let answered: boolean | undefined;
  void second.sender.mayAnswer().then((ok) => (answered = ok));
  await Promise.resolve();
  assert.equal(answered, undefined);
  second.sender.prack(prack('100 7 INVITE'));
  await Promise.resolve();
  assert.equal(answered, true);

  const third = rig();
  third.sender.send(third.sdp(183));
  const waiting = third.sender.mayAnswer();
  third.clock.advance(32_000);
  assert.equal(await waiting, false, 'no PRACK within 64·T1: the INVITE is rejected instead');
  assert.equal(third.timedOut(), 1);
});

test('the UAC PRACKs the first reliable provisional and then only RSeq + 1 (RFC 3262 §4)', () => {
  const req = invite([['Supported', '100rel']]);
  const receiver = new ReliableProvisionalReceiver();
  const rel = (rseq: number, tag = 'b1'): SipResponse =>
    createResponse(req, 183, { toTag: tag, headers: [['Require', '100rel']] }).withHeader('rseq', [
      rseq,
    ]);
  assert.equal(receiver.accept(req, createResponse(req, 180, { toTag: 'b1' })), undefined);
  assert.deepEqual(receiver.accept(req, rel(5)), { rseq: 5, cseq: 7, method: 'INVITE' });
  assert.equal(receiver.accept(req, rel(5)), undefined, 'a retransmission');
  assert.equal(receiver.accept(req, rel(7)), undefined, 'out of order');
  assert.deepEqual(receiver.accept(req, rel(6)), { rseq: 6, cseq: 7, method: 'INVITE' });
  // another early dialog (a forking proxy's other branch) counts on its own
  assert.deepEqual(receiver.accept(req, rel(40, 'b2')), { rseq: 40, cseq: 7, method: 'INVITE' });
});
