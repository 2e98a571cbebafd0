/**
 * baresip's presence module as a subscriber (PRODUCT §E2, RFC 3856/3863):
 * its address book holds a colleague with `;presence=p2p`, so it sends
 * SUBSCRIBE (Event: presence, digest with the Request-URI as digest-uri,
 * RFC 7616) to Palisade and reads the PIDF of our NOTIFYs. What baresip
 * makes of them is asked over its ctrl_tcp module (`contacts`): Offline
 * while the colleague has nothing registered, Online once a phone of theirs
 * registers, Busy while they are on the phone and while the status they set
 * through the API is busy, Online again after. Meanwhile a browser-like
 * client subscribes to the colleague's dialog package over WSS: the NOTIFYs
 * come over its WebSocket (idle, the call confirmed, terminated), and the
 * subscription goes when the WebSocket closes.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { hashPassword } from '@palisade/security';
import { login, sessionHeaders } from '../../e2e/identity/identity-fixtures.ts';
import { BaresipPhones } from '../../support/baresip.ts';
import { debianPeer } from '../../support/debian.ts';
import { freeTcpPort } from '../../support/ports.ts';
import type { RunningPeer } from '../../support/process.ts';
import { WssSipPhone } from '../../support/wss-sip-phone.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';

const baresip = debianPeer('baresip', 'baresip');
const PASSWORD = 'violet harbour compass 27';
let p: SipPalisade;
let watcher: TestDevice;
let colleague: TestDevice;
let caller: TestDevice;
let watching: RunningPeer;
let ctrlPort: number;

const phones = new BaresipPhones(
  () => baresip.path!,
  () => p.udpPort,
);
const phone = (
  device: TestDevice,
  opts: Omit<Parameters<BaresipPhones['start']>[1], 'srtp'>,
): Promise<RunningPeer> => phones.start(device, { ...opts, srtp: false });

/** One ctrl_tcp command (a netstring of JSON each way); resolves with the reply's data. */
function ctrl(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(ctrlPort, '127.0.0.1');
    const json = JSON.stringify({ command, params: '', token: 'presence-test' });
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from baresip's ctrl_tcp to ${command}`));
    }, 5000);
    sock.on('connect', () => sock.write(`${Buffer.byteLength(json)}:${json},`));
    sock.on('data', (d) => {
      data += d.toString('utf8');
      const m = /^(\d+):([\s\S]*),$/.exec(data);
      if (!m || Buffer.byteLength(m[2]!) !== Number(m[1])) return;
      clearTimeout(timer);
      sock.end();
      resolve((JSON.parse(m[2]!) as { data: string }).data);
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** What baresip shows of the colleague: Unknown, Online, Offline or Busy. */
async function shown(): Promise<string> {
  const list = await ctrl('contacts');
  const line = list
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.includes(colleague.extension));
  return /\b(Unknown|Online|Offline|Busy)\b/.exec(line ?? '')?.[1] ?? `nothing in ${list}`;
}

async function until(status: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  // until ctrl_tcp listens, baresip shows nothing
  while ((last = await shown().catch((err: Error) => err.message)) !== status) {
    if (Date.now() > deadline)
      assert.fail(
        `baresip shows ${last}, not ${status}; it said:\n${watching.output().slice(-3000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  if (baresip.skip) return;
  // baresip 1.0 does MD5 digests only; its digest-uri is the Request-URI (no SIPp leniency)
  p = await startSipPalisade({
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_MEDIA_RTP_PORT_MIN: '48000',
    PALISADE_MEDIA_RTP_PORT_MAX: '48999',
  });
  [watcher, colleague, caller] = (await addDevices(p, 3, 5100)) as [
    TestDevice,
    TestDevice,
    TestDevice,
  ];
  await p.server.domain.store.users.update(colleague.userId, {
    passwordHash: await hashPassword(PASSWORD),
  });
  ctrlPort = await freeTcpPort();
  watching = await phone(watcher, {
    register: true,
    seconds: 120,
    config: [
      'module contact.so',
      'module_app presence.so',
      'module ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
    ],
    contacts: [`"Colleague" <sip:${colleague.extension}@${SIP_DOMAIN}>;presence=p2p`],
  });
});

after(async () => {
  await phones.stopAll();
  await p?.stop();
});

describe('baresip presence module subscribing to a colleague', { skip: baresip.skip }, () => {
  test('Offline, Online once registered, Busy on the phone and when set busy, Online after; a WSS lamp alongside', async () => {
    await until('Offline');
    assert.equal(p.server.sip.notifier.size, 1, 'baresip holds one subscription');

    await phone(colleague, { register: true, seconds: 90 });
    await until('Online');

    // a browser of the watcher's, subscribed to the colleague's lamp over WSS
    const browser = await p.server.domain.devices.add(CLI_ACTOR, {
      userId: watcher.userId,
      sipUsername: `${watcher.extension}-browser`,
    });
    const wss = await WssSipPhone.connect(`wss://127.0.0.1:${p.server.httpsPort}/sip`, {
      ca: p.ca,
      servername: 'localhost',
      user: browser.sipUsername,
      password: browser.secret,
      domain: SIP_DOMAIN,
    });
    const subscribed = await wss.subscribe(colleague.extension, 'dialog');
    assert.equal(subscribed.status, 200, subscribed.toString());
    const states = () =>
      wss.notifies.map((n) => /<state>([a-z]+)<\/state>/.exec(n.body.toString())?.[1] ?? 'idle');

    const dialling = await phone(caller, {
      register: false,
      seconds: 10,
      args: ['-e', `/dial sip:${colleague.extension}@${SIP_DOMAIN}`],
    });
    await until('Busy');
    await dialling.exited();
    await until('Online');
    assert.equal(states()[0], 'idle', states().join());
    assert.ok(states().includes('confirmed'), states().join());
    assert.equal(states().at(-1), 'terminated', states().join());
    const held = p.server.sip.notifier.size;
    wss.close();
    const gone = Date.now() + 5000;
    while (p.server.sip.notifier.size !== held - 1 && Date.now() < gone)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(p.server.sip.notifier.size, held - 1, 'the WSS subscription went with its socket');

    const session = await login(p.client, `user${colleague.extension}`, PASSWORD);
    const set = (status: string) =>
      p.client.call('PUT', '/api/v1/me/presence', {
        body: { status },
        headers: sessionHeaders(session),
      });
    assert.equal((await set('busy')).status, 200);
    await until('Busy');
    assert.equal((await set('available')).status, 200);
    await until('Online');
  });
});
