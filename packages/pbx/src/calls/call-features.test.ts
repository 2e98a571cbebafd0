import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BadDestination } from './call-events.ts';
import { CallBench } from './testing/call-bench.ts';
import { RELAY_ADDRESS } from './testing/fake-media-engine.ts';

describe('B2BUA: dial plan and ACL', () => {
  test('a call class the caller lacks gets 403 and an audit event', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001', ['call:internal']);
    const probes: BadDestination[] = [];
    bench.b2bua.events.on('bad-destination', (b) => probes.push(b));
    const call = alice.call('00493012345');
    await bench.run(100);
    assert.equal(call.final?.status, 403);
    assert.deepEqual(
      probes.map((p) => [p.status, p.number]),
      [[403, '00493012345']],
    );
    assert.equal(bench.audit.length, 1);
    assert.equal(bench.audit[0]?.action, 'call.forbidden');
    assert.equal(bench.audit[0]?.detail?.['callClass'], 'international');
    const cdr = bench.directory.cdrs.only;
    assert.equal(cdr.callClass, 'international');
    assert.equal(cdr.hangupCause, 'forbidden');
  });

  test('a permitted external class without a trunk gets 503, not 403', async () => {
    const bench = new CallBench();
    const probes: BadDestination[] = [];
    bench.b2bua.events.on('bad-destination', (b) => probes.push(b));
    const call = bench.phone('1001', ['call:internal', 'call:emergency']).call('112');
    await bench.run(100);
    assert.equal(call.final?.status, 503);
    assert.equal(probes.length, 0, 'a permitted destination is no probe');
    assert.equal(bench.audit.length, 0);
    assert.equal(bench.directory.cdrs.only.callClass, 'emergency');
  });
});

describe('B2BUA: forwarding, do-not-disturb, ring groups', () => {
  test('unconditional forwarding rings the target instead', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    bench.directory.settings.set(`call-forwarding:${bob.userId}`, { unconditional: '1003' });
    const call = alice.call('1002');
    await bench.run(300);
    assert.equal(call.final?.status, 200);
    assert.equal(bob.count('INVITE'), 0);
    assert.equal(carol.count('INVITE'), 1);
  });

  test('do-not-disturb answers busy; busy forwarding takes over when set', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    bench.directory.settings.set(`call-forwarding:${bob.userId}`, { doNotDisturb: true });
    const first = alice.call('1002');
    await bench.run(100);
    assert.equal(first.final?.status, 486);
    assert.equal(bob.count('INVITE'), 0);
    bench.directory.settings.set(`call-forwarding:${bob.userId}`, {
      doNotDisturb: true,
      busy: '1003',
    });
    const second = alice.call('1002');
    await bench.run(300);
    assert.equal(second.final?.status, 200);
    assert.equal(carol.count('INVITE'), 1);
  });

  test('busy and no-answer forwarding', async () => {
    const bench = new CallBench();
    bench.directory.settings.set('calls', { noAnswerSeconds: 5 });
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    bob.behaviour = 'ring';
    bench.directory.settings.set(`call-forwarding:${bob.userId}`, { noAnswer: '1003' });
    const call = alice.call('1002');
    await bench.run(5_500, 50);
    assert.equal(call.final?.status, 200);
    assert.equal(bob.count('CANCEL'), 1);
    assert.equal(carol.count('INVITE'), 1);
  });

  test('forwarding loops stop', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    bench.directory.settings.set(`call-forwarding:${bob.userId}`, { unconditional: '1003' });
    bench.directory.settings.set(`call-forwarding:${carol.userId}`, { unconditional: '1002' });
    const call = alice.call('1002');
    await bench.run(200);
    assert.equal(call.final?.status, 482);
  });

  test('a simultaneous ring group rings every member; a sequential one rings them in turn', async () => {
    const bench = new CallBench();
    bench.directory.settings.set('calls', {
      ringGroups: [
        { extension: '600', members: ['1002', '1003'] },
        { extension: '601', strategy: 'sequential', members: ['1002', '1003'], ringSeconds: 5 },
      ],
    });
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    bob.behaviour = 'ring';
    const all = alice.call('600');
    await bench.run(300);
    assert.equal(all.final?.status, 200);
    assert.equal(bob.count('INVITE'), 1);
    assert.equal(carol.count('INVITE'), 1);
    assert.equal(bob.count('CANCEL'), 1);
    const bye = alice.send(all.dialog!, 'BYE');
    await bench.run(50);
    await bye;
    const seq = alice.call('601');
    await bench.run(300);
    assert.equal(bob.count('INVITE'), 2);
    assert.equal(carol.count('INVITE'), 1, 'the second member waits for the first');
    await bench.run(5_500, 50);
    assert.equal(carol.count('INVITE'), 2);
    assert.equal(seq.final?.status, 200);
  });
});

describe('B2BUA: in-call', () => {
  test('hold and resume by re-INVITE and UPDATE go through the media engine to the other leg', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const call = alice.call('1002');
    await bench.run(300);
    const states = () => bench.b2bua.snapshots().map((s) => s.state);
    assert.deepEqual(states(), ['answered']);
    const hold = alice.send(call.dialog!, 'INVITE', alice.sdp.replace('a=sendrecv', 'a=sendonly'));
    await bench.run(50);
    assert.equal((await hold).status, 200);
    assert.deepEqual(states(), ['held'], 'the console sees the call on hold');
    const reinvite = bob.last('INVITE')!;
    assert.ok(reinvite.to.tag !== undefined, 'a re-INVITE in the callee dialog');
    assert.match(reinvite.body.toString(), /a=sendonly/);
    assert.match(reinvite.body.toString(), new RegExp(RELAY_ADDRESS));
    assert.equal(bob.count('ACK'), 2);
    const resume = bob.send(bob.activeDialog!, 'UPDATE', bob.sdp);
    await bench.run(50);
    const answer = await resume;
    assert.equal(answer.status, 200);
    assert.match(answer.body.toString(), new RegExp(RELAY_ADDRESS));
    assert.equal(alice.count('UPDATE'), 1);
    assert.deepEqual(states(), ['answered'], 'and off hold again');
    const session = bench.media.sessions[0]!;
    assert.deepEqual(session.log.slice(-4), ['offer a', 'answer b', 'offer b', 'answer a']);
  });

  test('session timer: a leg that stops answering refreshes is hung up and the CDR written', async () => {
    const bench = new CallBench({ sessionExpires: 90, minSessionExpires: 90 });
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const call = alice.call('1002');
    await bench.run(300);
    assert.match(call.final!.raw('session-expires')[0] ?? '', /^90;refresher=uas/);
    // first refresh at 45 s reaches both phones
    await bench.run(46_000, 500);
    assert.equal(alice.count('UPDATE'), 1);
    assert.equal(bench.b2bua.activeCalls, 1);
    // the callee vanishes: its refresh times out (Timer F, 32 s) and the call ends
    bench.net.drop = (_m, _from, to) => to === `${bob.transport.host}:5060`;
    await bench.run(90_000, 500);
    assert.equal(bench.b2bua.activeCalls, 0);
    assert.equal(alice.count('BYE'), 1);
    const cdr = bench.directory.cdrs.only;
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.hangupCause, 'session_timer');
    assert.equal(cdr.causeSide, 'system');
  });

  test('a Session-Expires below Min-SE gets 422', async () => {
    const bench = new CallBench({ minSessionExpires: 120 });
    const alice = bench.phone('1001');
    bench.phone('1002');
    const call = alice.call('1002', alice.sdp, undefined, [['Session-Expires', '100']]);
    await bench.run(100);
    assert.equal(call.final?.status, 422, JSON.stringify(call.responses.map((r) => r.status)));
    assert.equal(call.final?.raw('min-se')[0], '120');
  });

  test('a media timeout ends the call', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const call = alice.call('1002');
    await bench.run(300);
    bench.media.timeout(call.invite.callId);
    await bench.run(50);
    assert.equal(alice.count('BYE'), 1);
    assert.equal(bob.count('BYE'), 1);
    assert.equal(bench.directory.cdrs.only.hangupCause, 'media_timeout');
  });
});

describe('B2BUA: transfer', () => {
  test('blind transfer: REFER puts the target in the transferor’s place; NOTIFY reports 100 then 200', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    const call = alice.call('1002');
    await bench.run(300);
    const refer = bob.send(bob.activeDialog!, 'REFER', undefined, [
      ['Refer-To', '<sip:1003@acme.test>'],
    ]);
    await bench.run(400);
    assert.equal((await refer).status, 202);
    assert.equal(carol.count('INVITE'), 1);
    const sipfrags = bob.received
      .filter((r) => r.method === 'NOTIFY')
      .map((r) => r.body.toString().trim());
    assert.deepEqual(sipfrags, ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
    assert.equal(bob.count('BYE'), 1);
    assert.equal(alice.count('BYE'), 0, 'the transferee stays in its call');
    assert.equal(alice.count('INVITE'), 0, 'and needs no re-INVITE: its relay ports stay');
    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.equal(carol.count('BYE'), 1);
    assert.equal(bench.directory.cdrs.only.disposition, 'answered');
  });

  test('a blind transfer to a busy target reports 486 and the call goes on', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    bench.phone('1003').behaviour = 'busy';
    alice.call('1002');
    await bench.run(300);
    const refer = bob.send(bob.activeDialog!, 'REFER', undefined, [
      ['Refer-To', '<sip:1003@acme.test>'],
    ]);
    await bench.run(200);
    assert.equal((await refer).status, 202);
    assert.equal(bob.last('NOTIFY')?.body.toString().trim(), 'SIP/2.0 486 Busy Here');
    assert.equal(bob.count('BYE'), 0);
    assert.equal(bench.b2bua.activeCalls, 1);
  });

  test('attended transfer: REFER with Replaces joins the transferee and the target; the transferor leaves both calls', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const carol = bench.phone('1003');
    const first = alice.call('1002');
    await bench.run(300);
    const consult = bob.call('1003');
    await bench.run(300);
    const toBob = first.dialog!;
    const c = consult.dialog!;
    const replaces = encodeURIComponent(
      `${c.id.callId};to-tag=${c.id.remoteTag};from-tag=${c.id.localTag}`,
    );
    const bobInFirst = [...bob.dialogs.values()].find(
      (d) => d.id.callId !== c.id.callId && d.state === 'confirmed',
    )!;
    const refer = bob.send(bobInFirst, 'REFER', undefined, [
      ['Refer-To', `<sip:1003@acme.test?Replaces=${replaces}>`],
    ]);
    await bench.run(300);
    assert.equal((await refer).status, 202);
    assert.equal(bob.last('NOTIFY')?.body.toString().trim(), 'SIP/2.0 200 OK');
    assert.equal(bob.count('BYE'), 2, 'both of the transferor’s legs end');
    assert.equal(
      carol.count('INVITE'),
      2,
      'the target got a re-INVITE towards the surviving call’s relay',
    );
    assert.equal(bench.b2bua.activeCalls, 1);
    const bye = alice.send(toBob, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.equal(carol.count('BYE'), 1);
    const causes = [...bench.directory.cdrs.rows.values()].map((r) => r.hangupCause).sort();
    assert.deepEqual(causes, ['normal', 'transferred']);
  });
});
