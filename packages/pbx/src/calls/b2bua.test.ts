import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BadDestination } from './call-events.ts';
import { CallBench, SERVER_HOST } from './testing/call-bench.ts';
import { RELAY_ADDRESS } from './testing/fake-media-engine.ts';
import { audioSdp } from './testing/test-phone.ts';

describe('B2BUA: basic calls', () => {
  test('an authenticated caller reaches an extension; both legs are hidden from each other; BYE ends it with a CDR', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const call = alice.call('1002');
    await bench.run(300);
    assert.deepEqual(
      call.responses.map((r) => r.status),
      [407, 180, 200],
    );
    const invite = bob.last('INVITE')!;
    // topology hiding: own Call-ID, From tag, Via and Contact on the callee's leg
    assert.notEqual(invite.callId, call.invite.callId);
    assert.notEqual(invite.from.tag, call.invite.from.tag);
    assert.equal(invite.header('via').length, 1);
    assert.equal(invite.topVia.host, SERVER_HOST);
    const contact = invite.first('contact');
    assert.ok(
      contact && 'uri' in contact && contact.uri.kind === 'sip' && contact.uri.host === SERVER_HOST,
    );
    assert.match(invite.body.toString(), new RegExp(`c=IN IP4 ${RELAY_ADDRESS}`));
    assert.doesNotMatch(invite.body.toString(), /10\.0\.1\.1/);
    assert.match(invite.body.toString(), /telephone-event\/8000/);
    const ok = call.final!;
    assert.match(ok.body.toString(), new RegExp(`c=IN IP4 ${RELAY_ADDRESS}`));
    assert.doesNotMatch(ok.body.toString(), /10\.0\.1\.2/);
    assert.ok(bob.count('ACK') === 1, 'the B2BUA ACKs the callee');
    assert.equal(bench.directory.cdrs.only.disposition, 'in_progress');
    bench.clock.advance(0);
    await bench.run(60_000, 1000);
    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.equal(bob.count('BYE'), 1);
    const cdr = bench.directory.cdrs.only;
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.hangupCause, 'normal');
    assert.equal(cdr.causeSide, 'caller');
    assert.equal(cdr.caller, '1001');
    assert.equal(cdr.callee, '1002');
    assert.equal(cdr.calleeDeviceId, bob.deviceId);
    assert.ok(cdr.durationSeconds >= 60);
    assert.equal(bench.media.sessions[0]?.deleted, true);
    assert.equal(bench.b2bua.activeCalls, 0);
  });

  test('wrong credentials are challenged again and no call starts', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    bench.phone('1002');
    const call = alice.call('1002', alice.sdp, 'not-the-secret');
    await bench.run(100);
    assert.deepEqual(
      call.responses.map((r) => r.status),
      [407, 407],
    );
    assert.equal(bench.directory.cdrs.rows.size, 0);
  });

  test('the callee hangs up: the caller gets BYE and the CDR says callee', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    alice.call('1002');
    await bench.run(300);
    const res = bob.send(bob.activeDialog!, 'BYE');
    await bench.run(50);
    assert.equal((await res).status, 200);
    assert.equal(alice.count('BYE'), 1);
    assert.equal(bench.directory.cdrs.only.causeSide, 'callee');
  });
});

describe('B2BUA: outcomes', () => {
  test('busy: 486 and a busy CDR', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    bench.phone('1002').behaviour = 'busy';
    const call = alice.call('1002');
    await bench.run(100);
    assert.equal(call.final?.status, 486);
    assert.equal(bench.directory.cdrs.only.disposition, 'busy');
  });

  test('no answer: 480 after the configured timeout, the callee gets CANCEL', async () => {
    const bench = new CallBench();
    bench.directory.settings.set('calls', { noAnswerSeconds: 10 });
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bob.behaviour = 'ring';
    const call = alice.call('1002');
    await bench.run(9_000, 100);
    assert.equal(
      call.responses.some((r) => r.status >= 200 && r.status !== 407),
      false,
    );
    await bench.run(1_500, 100);
    assert.equal(call.final?.status, 480);
    assert.equal(bob.count('CANCEL'), 1);
    assert.equal(bench.directory.cdrs.only.disposition, 'no_answer');
  });

  test('unavailable: no registered contact gives 480', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    bench.phone('1002').registered = false;
    const call = alice.call('1002');
    await bench.run(100);
    assert.equal(call.final?.status, 480);
    assert.equal(bench.directory.cdrs.only.hangupCause, 'unavailable');
  });

  test('an unknown extension gives 404 and is reported as a bad destination', async () => {
    const bench = new CallBench();
    const probes: BadDestination[] = [];
    bench.b2bua.events.on('bad-destination', (b) => probes.push(b));
    const call = bench.phone('1001').call('1999');
    await bench.run(100);
    assert.equal(call.final?.status, 404);
    assert.equal(probes.length, 1);
    assert.equal(probes[0]?.status, 404);
    assert.equal(probes[0]?.number, '1999');
    assert.equal(probes[0]?.username, '1001');
  });

  test('CANCEL from the caller: 487, every branch cancelled, a cancelled CDR', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bob.behaviour = 'ring';
    const call = alice.call('1002');
    await bench.run(100);
    assert.equal(call.responses.at(-1)?.status, 180);
    alice.cancel(call);
    await bench.run(100);
    assert.equal(call.final?.status, 487);
    assert.equal(bob.count('CANCEL'), 1);
    const cdr = bench.directory.cdrs.only;
    assert.equal(cdr.disposition, 'cancelled');
    assert.equal(cdr.causeSide, 'caller');
  });

  test('no common codec: 488', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    bench.phone('1002');
    const g729 = audioSdp('10.0.1.1', 4000, '18')
      .replace(/a=rtpmap:(0|8|101).*\r\n/g, '')
      .replace('a=fmtp:101 0-16\r\n', '');
    const call = alice.call('1002', g729);
    await bench.run(100);
    assert.equal(call.final?.status, 488);
  });
});

describe('B2BUA: forking', () => {
  test('every registered phone rings; the first to answer wins, the others get CANCEL', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const desk = bench.phone('1002');
    const soft = bench.phone('1002');
    desk.behaviour = 'ring';
    soft.ringMs = 200;
    const call = alice.call('1002');
    await bench.run(400);
    assert.equal(call.final?.status, 200);
    assert.equal(desk.count('INVITE'), 1);
    assert.equal(soft.count('INVITE'), 1);
    assert.equal(desk.count('CANCEL'), 1);
    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.equal(bench.directory.cdrs.only.calleeDeviceId, soft.deviceId);
  });

  test('a second 2xx that arrives after the first gets ACK and BYE', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const one = bench.phone('1002');
    const two = bench.phone('1002');
    one.ringMs = 100;
    two.ringMs = 100;
    const call = alice.call('1002');
    await bench.run(400);
    assert.equal(call.final?.status, 200);
    assert.equal(one.count('ACK') + two.count('ACK'), 2);
    assert.equal(one.count('BYE') + two.count('BYE'), 1);
    assert.equal(bench.b2bua.activeCalls, 1);
  });
});
