import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContactAddr } from '../headers/contact-header.ts';
import { NameAddr } from '../headers/name-addr.ts';
import { Via } from '../headers/via-header.ts';
import { Params } from '../grammar/generic-params.ts';
import { createRequest, createResponse } from '../message/message-builders.ts';
import { parseMessage } from '../message/message-parser.ts';
import { formatUri } from '../uri/uri-format.ts';
import { parseUri } from '../uri/uri-parser.ts';
import { sipUri } from '../uri/uri-build.ts';
import { Dialog, dialogIdOf, dialogKey } from './dialog.ts';

const rr = (u: string) => new NameAddr(undefined, parseUri(u, 'record-route'));

function exchange(recordRoute: string[]) {
  const invite = createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'bob', host: 'biloxi.example' }),
    from: new NameAddr('Alice', sipUri({ user: 'alice', host: 'atlanta.example' })).withTag('a1'),
    to: new NameAddr('Bob', sipUri({ user: 'bob', host: 'biloxi.example' })),
    callId: 'dlg-1',
    cseq: 10,
    via: [
      new Via('UDP', 'pc33.atlanta.example', undefined, Params.empty.with('branch', 'z9hG4bK1')),
    ],
    contact: [new ContactAddr(undefined, sipUri({ user: 'alice', host: '192.0.2.10' }))],
  });
  // the proxies add Record-Route on the way
  const received =
    recordRoute.length === 0 ? invite : invite.withHeader('record-route', recordRoute.map(rr));
  const ok = createResponse(received, 200, {
    toTag: 'b1',
    contact: [new ContactAddr(undefined, sipUri({ user: 'bob', host: '192.0.2.20' }))],
  }).withHeader('record-route', received.header('record-route'));
  return { invite, received, ok: parseMessage(ok.toBuffer()) };
}

test('UAC and UAS build mirror-image dialogs (RFC 3261 §12.1)', () => {
  const { invite, received, ok } = exchange(['sip:p2.example;lr', 'sip:p1.example;lr']);
  assert.ok(!ok.isRequest);
  const uac = Dialog.asUac(invite, ok);
  const uas = Dialog.asUas(received, ok);
  assert.deepEqual(uac.id, { callId: 'dlg-1', localTag: 'a1', remoteTag: 'b1' });
  assert.deepEqual(uas.id, { callId: 'dlg-1', localTag: 'b1', remoteTag: 'a1' });
  assert.equal(uac.state, 'confirmed');
  assert.deepEqual(
    uac.routeSet.map((r) => formatUri(r.uri)),
    ['sip:p1.example;lr', 'sip:p2.example;lr'],
  );
  assert.deepEqual(
    uas.routeSet.map((r) => formatUri(r.uri)),
    ['sip:p2.example;lr', 'sip:p1.example;lr'],
  );
  assert.equal(formatUri(uac.remoteTarget), 'sip:bob@192.0.2.20');
  assert.equal(formatUri(uas.remoteTarget), 'sip:alice@192.0.2.10');
  assert.equal(uac.localSeq, 10);
  assert.equal(uas.remoteSeq, 10);

  const bye = uac.createRequest('BYE');
  assert.equal(formatUri(bye.uri), 'sip:bob@192.0.2.20');
  assert.deepEqual(
    bye.header('route').map((r) => formatUri(r.uri)),
    ['sip:p1.example;lr', 'sip:p2.example;lr'],
  );
  assert.deepEqual(bye.cseq, { seq: 11, method: 'BYE' });
  assert.equal(bye.from.tag, 'a1');
  assert.equal(bye.to.tag, 'b1');
  const id = dialogIdOf(bye);
  assert.ok(id);
  assert.equal(
    dialogKey({ callId: id.callId, localTag: id.localTag, remoteTag: id.remoteTag }),
    dialogKey(uas.id),
  );
  assert.equal(uas.receiveRequest(bye), 'ok');
  assert.equal(uas.remoteSeq, 11);
  assert.deepEqual(uac.createAck(10).cseq, { seq: 10, method: 'ACK' });
});

test('strict routing puts the first route in the Request-URI and the target last', () => {
  const { invite, ok } = exchange(['sip:strict.example']);
  assert.ok(!ok.isRequest);
  const uac = Dialog.asUac(invite, ok);
  const bye = uac.createRequest('BYE');
  assert.equal(formatUri(bye.uri), 'sip:strict.example');
  assert.deepEqual(
    bye.header('route').map((r) => formatUri(r.uri)),
    ['sip:bob@192.0.2.20'],
  );
});

test('out-of-order requests are refused; target refresh moves the remote target', () => {
  const { invite, received, ok } = exchange([]);
  assert.ok(!ok.isRequest);
  const uas = Dialog.asUas(received, ok);
  const uac = Dialog.asUac(invite, ok);
  const reinvite = uac.createRequest('INVITE', {
    contact: [new ContactAddr(undefined, sipUri({ user: 'alice', host: '192.0.2.99' }))],
  });
  assert.equal(uas.receiveRequest(reinvite), 'ok');
  assert.equal(formatUri(uas.remoteTarget), 'sip:alice@192.0.2.99');
  const stale = reinvite.withHeader('cseq', [{ seq: 5, method: 'INVITE' }]);
  assert.equal(uas.receiveRequest(stale), 'out_of_order');
});

test('early dialogs confirm on 2xx; responses without a To tag create none', () => {
  const { invite, received } = exchange([]);
  const ringing = createResponse(received, 180, {
    toTag: 'b9',
    contact: [new ContactAddr(undefined, sipUri({ host: '192.0.2.20' }))],
  });
  const uac = Dialog.asUac(invite, ringing);
  assert.equal(uac.state, 'early');
  uac.confirm(
    createResponse(received, 200, {
      toTag: 'b9',
      contact: [new ContactAddr(undefined, sipUri({ host: '192.0.2.21' }))],
    }),
  );
  assert.equal(uac.state, 'confirmed');
  assert.equal(formatUri(uac.remoteTarget), 'sip:192.0.2.21');
  uac.terminate();
  uac.terminate();
  assert.equal(uac.state, 'terminated');
  assert.throws(() => Dialog.asUac(invite, createResponse(received, 100)));
  assert.throws(() => Dialog.asUac(invite, createResponse(received, 486)));
});
