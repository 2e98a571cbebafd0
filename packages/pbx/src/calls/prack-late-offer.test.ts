import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallBench } from './testing/call-bench.ts';
import { RELAY_ADDRESS } from './testing/fake-media-engine.ts';
import { audioSdp } from './testing/test-phone.ts';

const SUPPORTS: [string, string][] = [['Supported', '100rel']];
const REQUIRES: [string, string][] = [['Require', '100rel']];

describe('B2BUA: reliable provisional responses (RFC 3262)', () => {
  test('a callee requiring 100rel gets its 183 PRACKed in the early dialog; the call goes on', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bob.behaviour = 'early-reliable';
    const call = alice.call('1002');
    await bench.run(400);
    const invite = bob.last('INVITE')!;
    assert.match(invite.header('supported').join(','), /100rel/);
    assert.equal(bob.count('PRACK'), 1);
    const prack = bob.last('PRACK')!;
    assert.deepEqual(prack.first('rack'), { rseq: 1, cseq: invite.cseq.seq, method: 'INVITE' });
    assert.equal(prack.callId, invite.callId);
    assert.equal(prack.cseq.seq, invite.cseq.seq + 1);
    // the caller did not offer 100rel: it gets the early media unreliably
    const early = call.responses.find((r) => r.status === 183)!;
    assert.equal(early.first('rseq'), undefined);
    assert.equal(call.final?.status, 200);
    // the BYE's CSeq goes past the PRACK's (the early dialog became the call's)
    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.ok(bob.last('BYE')!.cseq.seq > prack.cseq.seq);
  });

  test('a caller supporting 100rel gets the early SDP reliably; its PRACK gets 200; the 200 repeats the SDP', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bob.behaviour = 'early-reliable';
    const call = alice.call('1002', alice.sdp, undefined, SUPPORTS);
    await bench.run(400);
    const early = call.responses.find((r) => r.status === 183)!;
    assert.ok(early.first('rseq') !== undefined);
    assert.deepEqual(early.header('require'), ['100rel']);
    assert.match(early.body.toString(), new RegExp(`c=IN IP4 ${RELAY_ADDRESS}`));
    assert.equal(call.pracks.length, 1);
    assert.deepEqual(
      call.prackAnswers.map((r) => r.status),
      [200],
    );
    assert.equal(call.final?.status, 200);
    assert.equal(call.final.body.toString(), early.body.toString());
  });

  test('no 2xx before the PRACK of a reliable 183 with SDP; none within 64·T1 rejects the INVITE and hangs up the callee', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bob.behaviour = 'early-reliable';
    const call = alice.call('1002', alice.sdp, undefined, SUPPORTS, { prack: false });
    await bench.run(2_000, 20);
    const final = (): number | undefined => call.final?.status;
    assert.equal(final(), undefined, 'the callee answered, but the caller has not PRACKed');
    await bench.run(31_000, 500);
    assert.equal(final(), 500);
    assert.equal(bob.count('BYE'), 1);
    assert.equal(bench.directory.cdrs.only.hangupCause, 'prack_timeout');
  });

  test('a caller requiring 100rel gets every 18x reliably even when the callee knows nothing of it', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const call = alice.call('1002', alice.sdp, undefined, REQUIRES);
    await bench.run(400);
    const ringing = call.responses.find((r) => r.status === 180)!;
    assert.ok(ringing.first('rseq') !== undefined);
    assert.equal(call.pracks.length, 1);
    assert.equal(call.final?.status, 200);
    assert.equal(bob.count('PRACK'), 0, 'reliability ends at the B2BUA');
    assert.equal(bob.last('INVITE')!.header('require').length, 0);
  });

  test('a PRACK naming nothing unacknowledged gets 481', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    bench.phone('1002').behaviour = 'ring';
    const call = alice.call('1002', alice.sdp, undefined, REQUIRES);
    await bench.run(200);
    assert.deepEqual(
      call.prackAnswers.map((r) => r.status),
      [200],
    );
    const again = await Promise.all([
      alice.send(call.dialog!, 'PRACK', undefined, [['RAck', `1 ${call.invite.cseq.seq} INVITE`]]),
      bench.run(50),
    ]);
    assert.equal(again[0].status, 481);
  });
});

describe('B2BUA: late offer (INVITE without SDP)', () => {
  test('the callee gets our offer, the caller our offer in the 200 and its answer in the ACK', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const answer = audioSdp('10.0.1.1', 5004, '8 101');
    const call = alice.call('1002', '', undefined, [], { answer });
    await bench.run(400);
    const offer = bob.last('INVITE')!.body.toString();
    assert.match(offer, new RegExp(`c=IN IP4 ${RELAY_ADDRESS}`));
    assert.match(offer, /PCMU\/8000/);
    assert.match(offer, /telephone-event\/8000/);
    assert.equal(call.final?.status, 200);
    assert.match(call.final.body.toString(), new RegExp(`c=IN IP4 ${RELAY_ADDRESS}`));
    assert.equal(bench.media.sessions[0]!.log.join(','), 'offer a,answer b,offer a,answer b');
    assert.equal(bob.count('INVITE'), 1, 'the callee keeps its offer: no re-INVITE');
    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.equal(bench.directory.cdrs.only.hangupCause, 'normal');
  });

  test('an ACK without the answer ends the call: BYE both ways, the CDR says why', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    alice.call('1002', '', undefined, [], {});
    await bench.run(400);
    assert.equal(bob.count('BYE'), 1);
    assert.equal(alice.count('BYE'), 1);
    const cdr = bench.directory.cdrs.only;
    assert.equal(cdr.hangupCause, 'no_answer_in_ack');
    assert.equal(cdr.causeSide, 'caller');
    assert.equal(bench.b2bua.activeCalls, 0);
  });

  test('an answer with no codec we offered ends the call the same way', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    alice.call('1002', '', undefined, [], { answer: audioSdp('10.0.1.1', 5004, '18') });
    await bench.run(400);
    assert.equal(bob.count('BYE'), 1);
    assert.equal(bench.directory.cdrs.only.hangupCause, 'unacceptable_answer');
  });

  test('with 100rel the offer goes in the reliable 183 and the answer in the PRACK', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bob.behaviour = 'early-reliable';
    const answer = audioSdp('10.0.1.1', 5004, '0 101');
    const call = alice.call('1002', '', undefined, SUPPORTS, { answer });
    await bench.run(400);
    const early = call.responses.find((r) => r.status === 183)!;
    assert.match(early.body.toString(), /m=audio/);
    assert.equal(call.pracks[0]!.body.toString(), answer);
    assert.deepEqual(
      call.prackAnswers.map((r) => r.status),
      [200],
    );
    assert.equal(call.final?.status, 200);
    assert.equal(call.final.body.toString(), early.body.toString());
    assert.equal(call.ack!.body.length, 0);
    assert.equal(bench.directory.cdrs.only.disposition, 'in_progress');
    assert.equal(bench.media.sessions[0]!.log.join(','), 'offer a,answer b,offer a,answer b');
  });

  test('a re-INVITE without SDP gets our offer in the 200 and its answer is taken from the ACK', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const call = alice.call('1002');
    await bench.run(400);
    const before = call.final!.body.toString();
    const reinvite = alice.send(call.dialog!, 'INVITE', undefined, [], audioSdp('10.0.1.1', 5006));
    await bench.run(100);
    const ok = await reinvite;
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString(), before, 'our unchanged SDP is the offer');
    assert.equal(bench.media.sessions[0]!.log.slice(-2).join(','), 'offer a,answer b');
    assert.equal(bob.count('INVITE'), 1);
  });
});
