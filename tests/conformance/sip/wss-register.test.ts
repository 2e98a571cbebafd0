/**
 * SIP over secure WebSocket (RFC 7118) on the HTTPS port at /sip: a Node
 * client (the `ws` package, subprotocol `sip`) registers with SHA-256
 * digest; the binding shows in GET /api/v1/registrations with transport
 * WSS. Origin: trusted or absent is let in, foreign is refused with 403.
 * The API route needs `registrations:view`. A binding made over WSS goes
 * with its connection (RFC 7118 §5): once the socket closes it is gone, and
 * a call to that user is answered 480 at once.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { WebSocket, type ClientOptions } from 'ws';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';
import { answerChallenge, parseResponse, registerText } from '../../support/sip-test-client.ts';
import { WssSipPhone } from '../../support/wss-sip-phone.ts';

let p: SipPalisade;
let device: TestDevice;
let caller: TestDevice;

before(async () => {
  p = await startSipPalisade();
  [device, caller] = (await addDevices(p, 2, 3000)) as [TestDevice, TestDevice];
});
after(async () => {
  await p?.stop();
});

function open(origin: string | undefined, protocol = 'sip'): WebSocket {
  // the certificate names the SIP domain, not 127.0.0.1 (servername is passed to tls.connect)
  const options = {
    ca: p.ca,
    servername: SIP_DOMAIN,
    ...(origin === undefined ? {} : { headers: { Origin: origin } }),
  } as ClientOptions;
  return new WebSocket(`wss://127.0.0.1:${p.server.httpsPort}/sip`, protocol, options);
}

async function exchange(ws: WebSocket, text: string) {
  ws.send(text);
  const [data] = (await once(ws, 'message')) as [Buffer];
  return parseResponse(data);
}

async function token(scopes: string[]): Promise<string> {
  const d = p.server.domain;
  const issued = await d.tokens.issue({
    tenantId: d.defaultTenant.id,
    name: `t-${scopes.join('-') || 'none'}`,
    scopes,
    by: { id: 'cli' },
    granterPermissions: null,
  });
  return issued.token;
}

describe('SIP over WSS', () => {
  test('registers with SHA-256 digest from a trusted origin; the API lists it as WSS', async () => {
    const ws = open(new URL(p.server.baseUrl).origin);
    await once(ws, 'open');
    assert.equal(ws.protocol, 'sip');
    const base = {
      user: device.sipUsername,
      domain: SIP_DOMAIN,
      transport: 'WSS',
      viaHost: 'df7jal23ls0d.invalid',
      contact: `<sip:${device.sipUsername}@df7jal23ls0d.invalid;transport=ws>;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";reg-id=1`,
      callId: 'wss-call-1',
    };
    const challenge = await exchange(ws, registerText({ ...base, cseq: 1 }));
    assert.equal(challenge.status, 401);
    const authorization = answerChallenge(challenge, {
      user: device.sipUsername,
      password: device.secret,
      uri: `sip:${SIP_DOMAIN}`,
      algorithm: 'SHA-256',
    });
    const ok = await exchange(
      ws,
      registerText({
        ...base,
        cseq: 2,
        authorization,
        extraHeaders: ['Supported: path, outbound'],
      }),
    );
    assert.equal(ok.status, 200);
    assert.match(ok.raw('contact')[0] ?? '', /expires=600/);
    assert.deepEqual(ok.raw('require'), ['outbound']);

    const list = await p.client.call('GET', `/api/v1/registrations?deviceId=${device.deviceId}`, {
      headers: { authorization: `Bearer ${await token(['registrations:view'])}` },
    });
    assert.equal(list.status, 200);
    const rows =
      list.json<
        { transport: string; sourceAddress: string; userAgent: string; instanceId: string }[]
      >();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.transport, 'WSS');
    assert.equal(rows[0]?.sourceAddress, '127.0.0.1');
    assert.equal(rows[0]?.instanceId, 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    ws.close();
  });

  test('answers OPTIONS over WSS without an Origin (a non-browser client)', async () => {
    const ws = open(undefined);
    await once(ws, 'open');
    const text = registerText({
      user: device.sipUsername,
      domain: SIP_DOMAIN,
      transport: 'WSS',
      viaHost: 'x.invalid',
      contact: '<sip:x@x.invalid;transport=ws>',
      callId: 'wss-options',
      cseq: 1,
    }).replace(/REGISTER/g, 'OPTIONS');
    const r = await exchange(ws, text);
    assert.equal(r.status, 200);
    assert.match(r.raw('allow')[0] ?? '', /REGISTER/);
    ws.close();
  });

  test('refuses a foreign Origin with 403 and a missing sip subprotocol', async () => {
    const foreign = open('https://evil.example');
    const [, res] = (await once(foreign, 'unexpected-response')) as unknown as [
      unknown,
      { statusCode: number },
    ];
    assert.equal(res.statusCode, 403);
    const noSip = open(undefined, 'chat');
    const [, res2] = (await once(noSip, 'unexpected-response')) as unknown as [
      unknown,
      { statusCode: number },
    ];
    assert.equal(res2.statusCode, 400);
  });

  test('a closed connection takes its bindings along: the user is unavailable (480) at once', async () => {
    const wss = `wss://127.0.0.1:${p.server.httpsPort}/sip`;
    const connect = (d: TestDevice) =>
      WssSipPhone.connect(wss, {
        ca: p.ca,
        servername: SIP_DOMAIN,
        user: d.sipUsername,
        password: d.secret,
        domain: SIP_DOMAIN,
      });
    const location = p.server.sip.location;
    const tab = await connect(device);
    await tab.register();
    assert.equal(location.bindingsOf(device.deviceId).length, 1);
    tab.close();
    for (let i = 0; i < 100 && location.bindingsOf(device.deviceId).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(location.bindingsOf(device.deviceId), []);
    const stored = await p.server.domain.store.registrations.list({
      tenantId: p.server.domain.defaultTenant.id,
      deviceId: device.deviceId,
      now: Date.now(),
    });
    assert.deepEqual(stored, [], 'the binding is removed from storage too');

    const phone = await connect(caller);
    const offer = [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=audio 40000 RTP/AVP 0',
      'a=rtpmap:0 PCMU/8000',
      '',
    ].join('\r\n');
    await assert.rejects(phone.call(device.extension, offer), /INVITE got 480/);
    phone.close();
  });

  test('GET /api/v1/registrations needs registrations:view', async () => {
    const r = await p.client.call('GET', '/api/v1/registrations', {
      headers: { authorization: `Bearer ${await token(['devices:view'])}` },
    });
    assert.equal(r.status, 403);
    const anonymous = await p.client.call('GET', '/api/v1/registrations');
    assert.equal(anonymous.status, 401);
  });
});
