/**
 * SIP over WSS message flood: one WebSocket connection from 127.0.0.2
 * sends OPTIONS as fast as it can. Past the per-connection cap
 * (`sip.wsMaxMessagesPerSecond`, 20 here) the connection is closed with
 * 1008 and counted (`palisade_ids_dropped_total{service=ws,reason=message-rate}`,
 * a `message-flood` attempt); the third such connection within a minute
 * gets the source banned (rule `ws-flood`) and its next upgrade refused.
 * A legitimate connection from 127.0.0.3 at 10 messages a second keeps
 * getting answers throughout. The SIP flood rule is raised out of the way
 * so only the WebSocket cap acts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { WebSocket, type ClientOptions } from 'ws';
import { SIP_DOMAIN } from '../../support/sip-palisade.ts';
import { parseResponse } from '../../support/sip-test-client.ts';
import {
  ATTACKER,
  LEGITIMATE,
  newDataDir,
  removeDataDir,
  startIdsPalisade,
  type IdsPalisade,
} from './ids-fixtures.ts';

let p: IdsPalisade | undefined;
let dir = '';

before(async () => {
  dir = newDataDir();
  p = await startIdsPalisade(dir, {
    PALISADE_SIP_WS_MAX_MESSAGES_PER_SECOND: '20',
    PALISADE_IDS_FLOOD_REQUESTS: '100000',
  });
});
after(async () => {
  await p?.stop();
  if (dir) removeDataDir(dir);
});

function open(from: string): WebSocket {
  const options = { ca: p!.ca, servername: SIP_DOMAIN, localAddress: from } as ClientOptions;
  return new WebSocket(`wss://127.0.0.1:${p!.server.httpsPort}/sip`, 'sip', options);
}

function options(from: string, seq: number): string {
  return [
    `OPTIONS sip:${SIP_DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/WSS h${seq}.invalid;branch=z9hG4bK${randomBytes(8).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:probe@${SIP_DOMAIN}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${SIP_DOMAIN}>`,
    `Call-ID: ${from}-${seq}-${randomBytes(4).toString('hex')}`,
    `CSeq: ${seq} OPTIONS`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Floods one connection until the server closes it; resolves with the close code. */
async function flood(): Promise<number> {
  const ws = open(ATTACKER);
  await once(ws, 'open');
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  // 200 messages at once: ten times the cap, far beyond its burst
  for (let i = 0; i < 200 && ws.readyState === ws.OPEN; i++) ws.send(options(ATTACKER, i));
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('the flooding connection was not closed')), 10_000).unref(),
  );
  const [code] = await Promise.race([closed, timeout]);
  return code;
}

test('a message flood over one WSS connection closes it (1008), is counted, and repeated floods ban the source', async () => {
  const server = p!;
  const metrics = server.server.ids!.metrics;
  const dropped = (): number =>
    metrics.get('palisade_ids_dropped_total', { service: 'ws', reason: 'message-rate' });

  // the legitimate client: 10 OPTIONS a second, each answered
  const legit = open(LEGITIMATE);
  await once(legit, 'open');
  let answered = 0;
  legit.on('message', (data: Buffer) => {
    if (parseResponse(data).status === 200) answered++;
  });
  let seq = 0;
  const steady = setInterval(() => legit.send(options(LEGITIMATE, seq++)), 100);

  try {
    assert.equal(await flood(), 1008);
    assert.equal(dropped(), 1);
    const attempt = server.server.ids!.detector.attempts.get(ATTACKER);
    assert.equal(attempt?.byKind['message-flood'], 1);
    assert.equal(server.server.ids!.bans.list.isBanned(ATTACKER), false, 'one flood: not banned');

    assert.equal(await flood(), 1008);
    assert.equal(await flood(), 1008);
    assert.equal(dropped(), 3);
    const ban = (await server.server.ids!.bans.active()).find((b) => b.address === ATTACKER);
    assert.equal(ban?.rule, 'ws-flood');
    // banned: the next upgrade is cut before the WebSocket handshake
    const refused = open(ATTACKER);
    const outcome = await new Promise<string>((resolve) => {
      refused.once('open', () => resolve('open'));
      refused.once('error', () => resolve('refused'));
    });
    refused.terminate();
    assert.equal(outcome, 'refused');
    // the legitimate client keeps going at its steady rate after the attack
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    clearInterval(steady);
  }
  // the legitimate connection stayed open and answered at its steady rate
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(legit.readyState, legit.OPEN);
  assert.ok(answered >= seq - 3 && seq >= 10, `${answered} answers to ${seq} requests`);
  assert.equal(server.server.ids!.bans.list.isBanned(LEGITIMATE), false);
  legit.close();
  await once(legit, 'close');
});

test('the counters per detector and action are in the intrusion API (for the monitoring exporter)', async () => {
  const server = p!;
  const api = server.clientFrom('127.0.0.1');
  const denied = await api.call('GET', '/api/v1/intrusion/counters');
  assert.equal(denied.status, 401);
  const res = await api.call('GET', '/api/v1/intrusion/counters', {
    headers: { authorization: `Bearer ${await server.adminToken()}` },
  });
  assert.equal(res.status, 200, res.text);
  type Sample = { name: string; labels: Record<string, string>; value: number };
  const samples = res.json<Sample[]>();
  const value = (name: string, labels: Record<string, string>): number | undefined =>
    samples.find(
      (c) =>
        c.name === name &&
        Object.keys(c.labels).length === Object.keys(labels).length &&
        Object.entries(labels).every(([k, v]) => c.labels[k] === v),
    )?.value;
  // the flood test above: three closed connections, one ban
  assert.equal(value('palisade_ids_events_total', { kind: 'message-flood', service: 'ws' }), 3);
  assert.equal(value('palisade_ids_rule_fired_total', { rule: 'ws-flood', action: 'ban' }), 1);
  assert.equal(value('palisade_ids_bans_total', { origin: 'detector', rule: 'ws-flood' }), 1);
  assert.equal(value('palisade_ids_dropped_total', { service: 'ws', reason: 'message-rate' }), 3);
  // the banned source's next connection was cut by the HTTPS listener, before TLS
  assert.equal(value('palisade_ids_dropped_total', { service: 'http', reason: 'banned' }), 1);
  assert.ok((value('palisade_ids_events_total', { kind: 'request', service: 'ws' }) ?? 0) >= 20);
});
