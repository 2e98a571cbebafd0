import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Destination } from '@palisade/sip';
import { parseCallSettings } from './call-settings.ts';
import { calleeTransport, offeredTransport } from './media-transport.ts';
import { CallBench } from './testing/call-bench.ts';
import { audioSdp } from './testing/test-phone.ts';

const at = (transport: Destination['transport']): Destination => ({
  transport,
  host: '192.0.2.7',
  port: 5060,
  reliable: transport !== 'UDP',
});
const browserSdp = audioSdp('192.0.2.9', 9).replace('RTP/AVP', 'UDP/TLS/RTP/SAVPF');
const sdesSdp = audioSdp('192.0.2.9', 4000).replace('RTP/AVP', 'RTP/SAVP');
const proto = (body: Buffer | undefined): string | undefined =>
  /m=audio \d+ (\S+)/.exec(body?.toString() ?? '')?.[1];

describe('media profile per leg', () => {
  test('the offer’s profile, and the profile offered to a callee by how it is reached', () => {
    assert.equal(offeredTransport(browserSdp), 'UDP/TLS/RTP/SAVPF');
    assert.equal(offeredTransport(sdesSdp), 'RTP/SAVP');
    assert.equal(offeredTransport(audioSdp('192.0.2.9', 4000)), 'RTP/AVP');
    assert.equal(offeredTransport('not sdp'), 'RTP/AVP');
    for (const t of ['WS', 'WSS'] as const)
      assert.equal(calleeTransport(at(t), 'RTP/AVP', 'as-caller'), 'UDP/TLS/RTP/SAVPF');
    assert.equal(calleeTransport(at('UDP'), 'UDP/TLS/RTP/SAVPF', 'as-caller'), 'RTP/AVP');
    assert.equal(calleeTransport(at('TLS'), 'RTP/SAVP', 'as-caller'), 'RTP/SAVP');
    assert.equal(calleeTransport(at('TCP'), 'UDP/TLS/RTP/SAVPF', 'always'), 'RTP/SAVP');
    assert.equal(parseCallSettings({}).phoneSrtp, 'as-caller');
    assert.throws(() => parseCallSettings({ phoneSrtp: 'sometimes' }), /phoneSrtp/);
  });

  test('a browser and a desk phone ring at once, each offered its own profile from its own session; the browser answers and keeps WebRTC through a re-INVITE', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const desk = bench.phone('1002');
    const browser = bench.phone('1002', undefined, 'WSS');
    desk.behaviour = 'ring';
    const call = alice.call('1002');
    await bench.run(400);
    assert.equal(call.final?.status, 200);
    assert.equal(proto(desk.last('INVITE')?.body), 'RTP/AVP');
    assert.equal(proto(browser.last('INVITE')?.body), 'UDP/TLS/RTP/SAVPF');
    // one session per class; the losing class's session is gone, its phone cancelled
    const sessions = bench.media.sessions;
    assert.equal(sessions.length, 2);
    const webrtc = sessions.find((s) => s.transports[0] === 'UDP/TLS/RTP/SAVPF');
    const plain = sessions.find((s) => s.transports[0] === 'RTP/AVP');
    assert.equal(webrtc?.deleted, false);
    assert.equal(plain?.deleted, true);
    assert.equal(desk.count('CANCEL'), 1);
    // deleting the loser is not a media failure: the call goes on
    assert.equal(bench.b2bua.activeCalls, 1);

    const hold = alice.send(call.dialog!, 'INVITE', alice.sdp.replace('a=sendrecv', 'a=sendonly'));
    await bench.run(50);
    assert.equal((await hold).status, 200);
    assert.equal(proto(browser.last('INVITE')?.body), 'UDP/TLS/RTP/SAVPF');
    // the browser's own re-offer goes to the desk-phone caller as plain RTP
    const resume = browser.send(browser.activeDialog!, 'UPDATE', browserSdp);
    await bench.run(50);
    assert.equal((await resume).status, 200);
    assert.deepEqual(webrtc?.transports, ['UDP/TLS/RTP/SAVPF', 'UDP/TLS/RTP/SAVPF', 'RTP/AVP']);
    const bye = alice.send(call.dialog!, 'BYE');
    await bench.run(50);
    assert.equal((await bye).status, 200);
    assert.equal(webrtc?.deleted, true);
    assert.equal(bench.directory.cdrs.only.calleeDeviceId, browser.deviceId);
  });

  test('phones get SDES-SRTP when the caller offered it or the tenant asks, plain RTP from a browser', async () => {
    const bench = new CallBench();
    const alice = bench.phone('1001');
    const bob = bench.phone('1002');
    const browser = bench.phone('1003', undefined, 'WS');
    const first = alice.call('1002', sdesSdp);
    await bench.run(300);
    assert.equal(first.final?.status, 200);
    assert.equal(proto(bob.last('INVITE')?.body), 'RTP/SAVP');
    void alice.send(first.dialog!, 'BYE');
    await bench.run(50);

    const fromBrowser = browser.call('1002', browserSdp);
    await bench.run(300);
    assert.equal(fromBrowser.final?.status, 200);
    assert.equal(proto(bob.last('INVITE')?.body), 'RTP/AVP');
    void browser.send(fromBrowser.dialog!, 'BYE');
    await bench.run(50);

    bench.directory.settings.set('calls', { phoneSrtp: 'always' });
    const forced = alice.call('1002');
    await bench.run(300);
    assert.equal(forced.final?.status, 200);
    assert.equal(proto(bob.last('INVITE')?.body), 'RTP/SAVP');
  });
});
