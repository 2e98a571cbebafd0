import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SipRequest, SipResponse } from '@palisade/sip';
import { forwardingKey } from '../calls/call-settings.ts';
import { stableToTag } from '../sip/stable-to-tag.ts';
import { PresenceBench } from './testing/presence-bench.ts';

const statuses = (responses: readonly SipResponse[]) => responses.map((r) => r.status);
const body = (r: SipRequest | undefined) => r?.body.toString('utf8') ?? '';
const dialogStates = (r: SipRequest | undefined) =>
  [...body(r).matchAll(/<state>([a-z]+)<\/state>/g)].map((m) => m[1]);

describe('notifier: SUBSCRIBE to dialog (busy lamps)', () => {
  test('digest, 200 with Expires, NOTIFYs follow the watched extension through ringing, answer and hang-up', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    const alice = bench.phone('1003');
    const bob = bench.phone('1002');
    bob.ringMs = 3000;
    const sub = watcher.subscribe('1002', 'dialog', {
      expires: 600,
      accept: 'application/dialog-info+xml',
    });
    await bench.run(50);
    assert.deepEqual(statuses(sub.responses), [401, 200]);
    assert.ok(sub.responses[0]!.header('www-authenticate').length > 0, 'challenged as a UAS');
    assert.equal(sub.final!.first('expires'), 600);
    let notifies = watcher.notifies(sub);
    assert.equal(notifies.length, 1, 'a NOTIFY at once');
    const first = notifies[0]!;
    assert.equal(first.first('event')?.event, 'dialog');
    assert.equal(first.first('subscription-state')?.state, 'active');
    assert.ok((first.first('subscription-state')?.expires ?? 0) > 590);
    assert.equal(first.first('content-type')?.essence, 'application/dialog-info+xml');
    assert.match(body(first), /version="0" state="full" entity="sip:1002@acme\.test"/);
    assert.deepEqual(dialogStates(first), [], 'idle: no dialog');

    bench.clock.advance(2000);
    const call = alice.call('1002');
    await bench.run(1500);
    notifies = watcher.notifies(sub);
    assert.equal(notifies.length, 2);
    assert.deepEqual(dialogStates(notifies[1]), ['early']);
    assert.match(body(notifies[1]), /direction="recipient"/);
    assert.match(body(notifies[1]), /version="1"/);
    assert.match(
      body(notifies[1]),
      /<remote><identity display="User 1003">sip:1003@acme\.test<\/identity>/,
      'who is calling',
    );
    assert.doesNotMatch(body(notifies[1]), new RegExp(call.invite.callId), 'no Call-ID leaks');

    await bench.run(3000);
    assert.equal(call.final?.status, 200);
    notifies = watcher.notifies(sub);
    assert.deepEqual(dialogStates(notifies.at(-1)), ['confirmed']);
    const id = /<dialog id="([^"]+)"/.exec(body(notifies.at(-1)))?.[1];
    assert.equal(/<dialog id="([^"]+)"/.exec(body(notifies[1]))?.[1], id, 'the same dialog');

    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(1500);
    assert.equal((await bye).status, 200);
    notifies = watcher.notifies(sub);
    assert.deepEqual(dialogStates(notifies.at(-1)), ['terminated'], 'the end is shown once');
    const versions = notifies.map((n) => Number(/version="(\d+)"/.exec(body(n))?.[1]));
    assert.deepEqual(
      versions,
      versions.map((_, i) => i),
    );
    const count = notifies.length;
    await bench.run(5000);
    assert.equal(watcher.notifies(sub).length, count, 'nothing more while nothing changes');
  });

  test('the caller’s own lamp: early as initiator while ringing, confirmed once answered', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    const alice = bench.phone('1003');
    const bob = bench.phone('1002');
    bob.ringMs = 2500;
    const sub = watcher.subscribe('1003', 'dialog');
    await bench.run(1200);
    alice.call('1002');
    await bench.run(1200);
    const ringing = watcher.notifies(sub).at(-1);
    assert.deepEqual(dialogStates(ringing), ['early']);
    assert.match(body(ringing), /direction="initiator"/);
    await bench.run(3000);
    assert.deepEqual(dialogStates(watcher.notifies(sub).at(-1)), ['confirmed']);
  });

  test('un-SUBSCRIBE (Expires: 0): 200, then a final NOTIFY, and the subscription is gone', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    bench.phone('1002');
    const sub = watcher.subscribe('1002', 'dialog', { expires: 600 });
    await bench.run(50);
    assert.equal(bench.notifier.size, 1);
    const un = watcher.send(sub.dialog!, 'SUBSCRIBE', undefined, [
      ['Event', 'dialog'],
      ['Expires', '0'],
    ]);
    await bench.run(50);
    const ok = await un;
    assert.equal(ok.status, 200);
    assert.equal(ok.first('expires'), 0);
    const last = watcher.notifies(sub).at(-1)!;
    assert.equal(last.first('subscription-state')?.state, 'terminated');
    assert.equal(last.first('subscription-state')?.reason, 'timeout');
    assert.equal(bench.notifier.size, 0);
    const again = watcher.send(sub.dialog!, 'SUBSCRIBE', undefined, [
      ['Event', 'dialog'],
      ['Expires', '600'],
    ]);
    await bench.run(50);
    assert.equal((await again).status, 481, 'no such subscription any more');
  });

  test('a refresh gets 200 and a full-state NOTIFY at once; without one the subscription times out', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    bench.phone('1002');
    const sub = watcher.subscribe('1002', 'dialog', { expires: 120 });
    await bench.run(50);
    const refresh = watcher.send(sub.dialog!, 'SUBSCRIBE', undefined, [
      ['Event', 'dialog'],
      ['Expires', '100000'],
    ]);
    await bench.run(50);
    const ok = await refresh;
    assert.equal(ok.status, 200);
    assert.equal(ok.first('expires'), 3600, 'shortened to the maximum');
    assert.equal(watcher.notifies(sub).length, 2);
    bench.clock.advance(3_599_000);
    await bench.run(10);
    assert.equal(bench.notifier.size, 1);
    bench.clock.advance(1_000);
    await bench.run(10);
    const last = watcher.notifies(sub).at(-1)!;
    assert.equal(last.first('subscription-state')?.state, 'terminated');
    assert.equal(bench.notifier.size, 0);
  });

  test('expiry bounds: 423 with Min-Expires below the minimum; the maximum shortens; 0 fetches once', async () => {
    const bench = new PresenceBench({ minExpires: 60, maxExpires: 1800 });
    const watcher = bench.phone('1001');
    bench.phone('1002');
    const brief = watcher.subscribe('1002', 'dialog', { expires: 30 });
    await bench.run(50);
    assert.deepEqual(statuses(brief.responses), [401, 423]);
    assert.equal(brief.final!.first('min-expires'), 60);
    const long = watcher.subscribe('1002', 'dialog', { expires: 7200 });
    await bench.run(50);
    assert.equal(long.final!.first('expires'), 1800);
    const fetch = watcher.subscribe('1002', 'dialog', { expires: 0 });
    await bench.run(50);
    assert.equal(fetch.final!.status, 200);
    const [only] = watcher.notifies(fetch);
    assert.equal(watcher.notifies(fetch).length, 1);
    assert.equal(only!.first('subscription-state')?.state, 'terminated');
    assert.match(body(only), /<dialog-info /, 'with the state');
    assert.equal(bench.notifier.size, 1, 'the fetch left nothing behind');
  });

  test('refusals: unknown package 489, Accept without the body type 406, no Contact 400', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    bench.phone('1002');
    const mwi = watcher.subscribe('1002', 'message-summary');
    const xpidf = watcher.subscribe('1002', 'presence', { accept: 'application/xpidf+xml' });
    const any = watcher.subscribe('1002', 'presence', { accept: 'application/*' });
    await bench.run(50);
    assert.deepEqual(statuses(mwi.responses), [489]);
    assert.equal(mwi.final!.raw('allow-events').join(), 'dialog, presence');
    assert.deepEqual(statuses(xpidf.responses), [401, 406]);
    assert.equal(any.final!.status, 200);
    assert.equal(bench.notifier.size, 1);
  });

  test('a wrong password and an unknown device get the same challenge, and no subscription', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    bench.phone('1002');
    const failures: string[] = [];
    bench.notifier.events.on('auth-failure', (f) => failures.push(`${f.username}:${f.reason}`));
    const wrong = watcher.subscribe('1002', 'dialog', { password: 'not-it' });
    const unknown = watcher.subscribe('1002', 'dialog', { username: '9999' });
    await bench.run(50);
    assert.deepEqual(statuses(wrong.responses), [401, 401]);
    assert.deepEqual(statuses(unknown.responses), [401, 401]);
    const shape = (r: SipResponse) =>
      r
        .toString()
        .replace(/nonce="[^"]+"/g, 'nonce')
        .replace(/opaque="[^"]+"/g, 'opaque')
        .replace(/(Via|From|To|Call-ID|CSeq): .*\r\n/g, '');
    assert.equal(shape(wrong.final!), shape(unknown.final!));
    // the To tag comes from the request, not from chance or the user
    assert.equal(wrong.final!.to.tag, stableToTag(wrong.invite));
    assert.equal(unknown.final!.to.tag, stableToTag(unknown.invite));
    assert.deepEqual(failures.sort(), ['1001:bad-response', '9999:unknown-user'].sort());
    assert.equal(bench.notifier.size, 0);
  });

  test('only users of one’s own tenant, only with the presence permission, only existing ones', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    const outsider = bench.phone('1004', ['call:internal']);
    bench.phone('1002');
    const otherTenant = watcher.subscribe('1002', 'dialog', { domain: 'other.test' });
    const missing = watcher.subscribe('1999', 'dialog');
    const forbidden = outsider.subscribe('1002', 'dialog');
    await bench.run(50);
    assert.equal(otherTenant.final!.status, 403);
    assert.equal(missing.final!.status, 404);
    assert.equal(forbidden.final!.status, 403);
    assert.equal(bench.notifier.size, 0);
  });

  test('limits: per device 403, overall 503 with Retry-After', async () => {
    const bench = new PresenceBench({ maxPerDevice: 2, maxTotal: 3 });
    const a = bench.phone('1001');
    const b = bench.phone('1003');
    bench.phone('1002');
    const subs = [1, 2, 3].map(() => a.subscribe('1002', 'dialog'));
    await bench.run(50);
    assert.deepEqual(
      subs.map((s) => s.final!.status),
      [200, 200, 403],
    );
    const fromB = [1, 2].map(() => b.subscribe('1002', 'presence'));
    await bench.run(50);
    assert.deepEqual(
      fromB.map((s) => s.final!.status),
      [200, 503],
    );
    assert.ok(fromB[1]!.final!.first('retry-after'));
    assert.equal(bench.notifier.size, 3);
  });

  test('a NOTIFY refused with 481 ends the subscription: it no longer counts', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    bench.phone('1002');
    watcher.notifyAnswer = 481;
    watcher.subscribe('1002', 'dialog');
    await bench.run(50);
    assert.equal(bench.notifier.size, 0);
  });

  test('a refresh from another flow must authenticate as the same device', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    const thief = bench.phone('1005');
    bench.phone('1002');
    const sub = watcher.subscribe('1002', 'dialog');
    await bench.run(50);
    // the thief knows the dialog (Call-ID and tags) and sends from its own address
    const stolen = thief.send(sub.dialog!, 'SUBSCRIBE', undefined, [
      ['Event', 'dialog'],
      ['Expires', '0'],
    ]);
    await bench.run(50);
    assert.equal((await stolen).status, 401);
    assert.equal(bench.notifier.size, 1, 'still there');
  });
});

describe('notifier: SUBSCRIBE to presence (PIDF)', () => {
  test('closed while nothing is registered, open once it is; on the phone; do-not-disturb', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    const alice = bench.phone('1003');
    const bob = bench.phone('1002');
    bob.ringMs = 100;
    const sub = watcher.subscribe('1002', 'presence', { accept: 'application/pidf+xml' });
    await bench.run(50);
    let last = watcher.notifies(sub).at(-1);
    assert.equal(last?.first('content-type')?.essence, 'application/pidf+xml');
    assert.match(body(last), /<basic>closed<\/basic>/);
    assert.match(body(last), /entity="sip:1002@acme\.test"/);

    bench.registered.add(bob.userId);
    bench.notifier.userChanged(bob.userId, 'registration');
    await bench.run(5000);
    last = watcher.notifies(sub).at(-1);
    assert.match(body(last), /<basic>open<\/basic>/);
    assert.doesNotMatch(body(last), /rpid:activities/);

    alice.call('1002');
    await bench.run(5500);
    last = watcher.notifies(sub).at(-1);
    assert.match(body(last), /<rpid:on-the-phone\/>/);

    bench.directory.settings.set(forwardingKey(bob.userId), { doNotDisturb: true });
    bench.notifier.userChanged(bob.userId, 'status');
    await bench.run(5500);
    last = watcher.notifies(sub).at(-1);
    assert.match(body(last), /<basic>closed<\/basic>/);
    assert.match(body(last), /<rpid:busy\/>/);
    assert.match(body(last), /<dm:note>Do not disturb<\/dm:note>/);
  });

  test('a registration change does not disturb dialog subscriptions', async () => {
    const bench = new PresenceBench();
    const watcher = bench.phone('1001');
    const bob = bench.phone('1002');
    const sub = watcher.subscribe('1002', 'dialog');
    await bench.run(2000);
    bench.registered.add(bob.userId);
    bench.notifier.userChanged(bob.userId, 'registration');
    await bench.run(2000);
    assert.equal(watcher.notifies(sub).length, 1);
  });
});
