import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '@palisade/common';
import { Dialog, createRequest, createResponse, newCallId, newTag, sipUri } from '@palisade/sip';
import { ContactAddr, NameAddr } from '@palisade/sip';
import type { ChangeKind, EventPackage, Rendered } from './event-package.ts';
import { SUBSCRIPTION_TRANSITIONS, Subscription } from './subscription.ts';
import type { NotifyRequest } from './subscription.ts';
import type { UserDialog } from './user-dialogs.ts';

/** A package whose state is a string the test sets. */
class FakePackage implements EventPackage {
  readonly name = 'dialog';
  readonly contentType = 'text/plain';
  readonly defaultExpires = 3600;
  readonly minIntervalMs = 1000;
  readonly showsEndedDialogs = true;
  readonly follows: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['calls']);
  state = 'idle';
  render(_user: unknown, version: number, ended: readonly UserDialog[]): Promise<Rendered> {
    return Promise.resolve({
      body: `${version}:${this.state}:${ended.map((d) => d.id).join(',')}`,
      fingerprint: this.state,
    });
  }
}

function dialog(): Dialog {
  const subscribe = createRequest({
    method: 'SUBSCRIBE',
    uri: sipUri({ user: '1002', host: 'acme.test' }),
    from: new NameAddr(undefined, sipUri({ user: '1001', host: 'acme.test' })).withTag(newTag()),
    to: new NameAddr(undefined, sipUri({ user: '1002', host: 'acme.test' })),
    callId: newCallId(),
    cseq: 1,
    contact: [new ContactAddr(undefined, sipUri({ user: '1001', host: '10.0.1.1' }))],
  });
  return Dialog.asUas(subscribe, createResponse(subscribe, 200, { toTag: newTag() }));
}

const ended = (id: string): UserDialog => ({
  id,
  deviceId: 'dev',
  direction: 'recipient',
  state: 'terminated',
  peer: { number: '1001', displayName: null },
  identity: { number: '1002', displayName: null },
});

/** A subscription whose NOTIFYs are held until the test answers them. */
function rig() {
  const clock = new FakeClock();
  const pkg = new FakePackage();
  const sent: NotifyRequest[] = [];
  const answers: ((status: number) => void)[] = [];
  let gone = 0;
  const sub = new Subscription(
    {
      clock,
      notify: (n) => {
        sent.push(n);
        return new Promise((resolve) => answers.push(resolve));
      },
      terminated: () => gone++,
    },
    {
      dialog: dialog(),
      destination: { transport: 'UDP', host: '10.0.1.1', port: 5060, reliable: false },
      package: pkg,
      eventId: undefined,
      watched: {
        tenantId: 't',
        userId: 'u',
        extension: '1002',
        displayName: 'User 1002',
        domain: 'acme.test',
      },
      subscriber: { tenantId: 't', userId: 's', deviceId: 'd' },
    },
  );
  /** Answers the oldest NOTIFY still waiting, then lets promises settle. */
  const answer = async (status = 200) => {
    answers.shift()?.(status);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return { clock, pkg, sent, sub, answer, settle, gone: () => gone };
}

describe('subscription (RFC 6665 §4.2, fake clock)', () => {
  test('the table allows only active → terminating → terminated, or active → terminated', () => {
    assert.deepEqual(SUBSCRIPTION_TRANSITIONS, {
      active: ['terminating', 'terminated'],
      terminating: ['terminated'],
      terminated: [],
    });
  });

  test('starts with a NOTIFY at once, counts versions from 0, and expires with a final NOTIFY', async () => {
    const r = rig();
    r.sub.refresh(600);
    await r.settle();
    assert.equal(r.sent.length, 1);
    assert.equal(r.sent[0]!.state, 'active;expires=600');
    assert.equal(r.sent[0]!.event, 'dialog');
    assert.equal(r.sent[0]!.body, '0:idle:');
    await r.answer();
    r.clock.advance(599_000);
    await r.settle();
    assert.equal(r.sent.length, 1, 'nothing happens before the expiry');
    assert.equal(r.sub.remainingSeconds, 1);
    r.clock.advance(1000);
    await r.settle();
    assert.equal(r.sub.state, 'terminating');
    assert.equal(r.sent[1]!.state, 'terminated;reason=timeout');
    assert.equal(r.sent[1]!.body, '1:idle:', 'the final NOTIFY carries the state too');
    assert.equal(r.gone(), 0);
    await r.answer();
    assert.equal(r.sub.state, 'terminated');
    assert.equal(r.gone(), 1);
  });

  test('one NOTIFY at a time: changes while one is in flight fold into one, with the latest state', async () => {
    const r = rig();
    r.sub.refresh(600);
    await r.settle();
    r.pkg.state = 'early';
    r.sub.changed();
    r.pkg.state = 'confirmed';
    r.sub.changed([ended('d1')]);
    r.clock.advance(5000);
    await r.settle();
    assert.equal(r.sent.length, 1, 'the first is not answered yet');
    await r.answer();
    assert.equal(r.sent.length, 2);
    assert.equal(r.sent[1]!.body, '1:confirmed:d1');
  });

  test('changes are notified no closer than the package interval; a refresh is not held back', async () => {
    const r = rig();
    r.sub.refresh(600);
    await r.settle();
    await r.answer();
    r.pkg.state = 'early';
    r.sub.changed();
    await r.settle();
    assert.equal(r.sent.length, 1, 'held: the last NOTIFY was just now');
    r.clock.advance(999);
    await r.settle();
    assert.equal(r.sent.length, 1);
    r.clock.advance(1);
    await r.settle();
    assert.equal(r.sent.length, 2);
    assert.equal(r.sent[1]!.body, '1:early:');
    await r.answer();
    r.sub.refresh(300);
    await r.settle();
    assert.equal(r.sent.length, 3, 'a refresh gets its NOTIFY at once');
    assert.equal(r.sent[2]!.state, 'active;expires=300');
    await r.answer();
  });

  test('a change that leaves the state as it was sends nothing; an ended dialog always does', async () => {
    const r = rig();
    r.sub.refresh(600);
    await r.settle();
    await r.answer();
    r.clock.advance(2000);
    r.sub.changed();
    await r.settle();
    assert.equal(r.sent.length, 1);
    r.sub.changed([ended('d9')]);
    await r.settle();
    assert.equal(r.sent.length, 2);
    assert.equal(r.sent[1]!.body, '1:idle:d9');
  });

  test('a NOTIFY answered 481 (or not at all) ends it without another NOTIFY', async () => {
    for (const status of [481, 408]) {
      const r = rig();
      r.sub.refresh(600);
      await r.settle();
      await r.answer(status);
      assert.equal(r.sub.state, 'terminated');
      assert.equal(r.gone(), 1);
      r.pkg.state = 'early';
      r.sub.changed();
      r.clock.advance(700_000);
      await r.settle();
      assert.equal(r.sent.length, 1, `after ${status}`);
      assert.equal(r.clock.pendingTimers, 0, 'no timer left behind');
    }
  });

  test('an un-subscribe while a NOTIFY is in flight sends the final one after it', async () => {
    const r = rig();
    r.sub.refresh(600);
    await r.settle();
    r.sub.refresh(0);
    await r.settle();
    assert.equal(r.sent.length, 1);
    await r.answer();
    assert.equal(r.sent.length, 2);
    assert.equal(r.sent[1]!.state, 'terminated;reason=timeout');
    await r.answer(481);
    assert.equal(r.sub.state, 'terminated');
    assert.equal(r.gone(), 1);
    assert.equal(r.clock.pendingTimers, 0);
  });

  test('the Event id of the SUBSCRIBE is echoed', async () => {
    const r = rig();
    const sub = new Subscription(
      { clock: r.clock, notify: async (n) => (r.sent.push(n), 200), terminated: () => undefined },
      {
        dialog: dialog(),
        destination: r.sub.destination,
        package: r.pkg,
        eventId: 'k1',
        watched: r.sub.watched,
        subscriber: r.sub.subscriber,
      },
    );
    sub.refresh(60);
    await r.settle();
    assert.equal(r.sent[0]!.event, 'dialog;id=k1');
  });
});
