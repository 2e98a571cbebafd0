/**
 * RTP bleed during a live call: a SIPp UAC calls a SIPp UAS through
 * Palisade (G.711 at 50 packets/s, echoed back by the UAS), and while the
 * media flows an attacker on 127.0.0.2 sends RTP-shaped packets to every
 * port of the relay's range (100 ports, 4 packets each) and listens for
 * anything coming back. It gets nothing, the call's media keeps flowing
 * both ways to the legitimate peers, and the relay's wrong-source drops
 * reach the intrusion detector: the sweeper is in the intrusion report
 * and banned (rule `rtp-wrong-source`, threshold lowered to 10 packets).
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { addDevices } from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig } from '../../support/sipp-calls.ts';
import {
  ATTACKER,
  newDataDir,
  removeDataDir,
  startIdsPalisade,
  type IdsPalisade,
} from './ids-fixtures.ts';

const sipp = debianPeer('sip-tester', 'sipp');
const RTP_MIN = 42100;
const RTP_MAX = 42199;
const PACKETS_PER_PORT = 4;
const HOLD_MS = 6000;

let p: IdsPalisade | undefined;
let dir = '';
let rig: SippCallRig | undefined;
let attacker: Socket | undefined;

before(async () => {
  if (sipp.skip) return;
  dir = newDataDir();
  p = await startIdsPalisade(dir, {
    // SIPp 3.6 answers only the first challenge and knows MD5 alone
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    // SIPp's digest-uri is sip:<server address>, not the Request-URI
    PALISADE_CALLS_DIGEST_URI: 'or-server',
    PALISADE_MEDIA_ENGINE: 'builtin',
    PALISADE_MEDIA_BIND_ADDRESS: '127.0.0.1',
    PALISADE_MEDIA_RTP_PORT_MIN: String(RTP_MIN),
    PALISADE_MEDIA_RTP_PORT_MAX: String(RTP_MAX),
    PALISADE_IDS_RTP_WRONG_SOURCE_PACKETS: '10',
  });
  const callers = await addDevices({ server: p.server } as never, 1, 1000);
  const callees = await addDevices({ server: p.server } as never, 1, 3000);
  rig = await startSippCallRig(sipp.path!, p, callers, callees);
});

after(async () => {
  attacker?.close();
  await rig?.stop();
  await p?.stop();
  if (dir) removeDataDir(dir);
});

/** An RTP packet (V=2, PCMA) with 160 bytes of payload, as a phone would send. */
function rtpPacket(seq: number): Buffer {
  const packet = Buffer.alloc(12 + 160, 0xd5);
  packet[0] = 0x80;
  packet[1] = 8;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(seq * 160, 4);
  packet.writeUInt32BE(0x5eed5eed, 8);
  return packet;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test(
  'an RTP-bleed sweep during a live call gets zero bytes; the sweeper is reported and banned',
  {
    skip: sipp.skip,
  },
  async () => {
    const server = p!;
    const b2bua = server.server.sip.b2bua;
    const received: Buffer[] = [];
    attacker = createSocket('udp4');
    attacker.on('message', (msg) => received.push(msg));
    attacker.bind(0, ATTACKER);
    await once(attacker, 'listening');

    const call = rig!.startCalls({ calls: 1, rate: 1, holdMs: HOLD_MS, maxMs: 40_000 });
    await until('the call', () => b2bua.activeCalls === 1, 15_000);
    // the call is answered and media flows (both relay sides latched) before the sweep
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(b2bua.activeCalls, 1, 'the call is still up when the sweep starts');
    let seq = 0;
    for (let port = RTP_MIN; port <= RTP_MAX; port++)
      for (let i = 0; i < PACKETS_PER_PORT; i++) attacker.send(rtpPacket(seq++), port, '127.0.0.1');

    const code = await call.exited();
    assert.equal(code, 0, call.output().slice(-3000));
    // late answers would arrive within milliseconds on loopback; wait generously
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(received.length, 0, 'the sweeping address received no packet');
    assert.equal(
      received.reduce((n, m) => n + m.length, 0),
      0,
      'the sweeping address received no byte',
    );

    const totals = b2bua.mediaTotals;
    assert.equal(totals.calls, 1);
    // the call's 4 relay sockets (RTP and RTCP of each leg) each dropped the sweeper's packets
    assert.equal(totals.droppedWrongSource, 4 * PACKETS_PER_PORT);
    // 50 packets/s each way for HOLD_MS: the legitimate peers kept sending and receiving
    // after the sweep (had the sweep re-latched a side, the echo would have stopped)
    const expected = (HOLD_MS * 50) / 1000;
    assert.ok(
      totals.packetsFromCallers > expected * 0.8,
      `from caller: ${totals.packetsFromCallers}`,
    );
    assert.ok(totals.packetsFromCallees > expected * 0.8, `echoed: ${totals.packetsFromCallees}`);

    // the drops reached the detector: the sweeper is in the report and banned
    const api = server.clientFrom('127.0.0.1');
    const headers = { authorization: `Bearer ${await server.adminToken()}` };
    type BanRow = { address: string; rule: string };
    let bans: BanRow[] = [];
    await until(
      'the rtp-wrong-source ban',
      async () => {
        bans = (await api.call('GET', '/api/v1/intrusion/bans', { headers })).json<BanRow[]>();
        return bans.some((b) => b.address === ATTACKER);
      },
      10_000,
    );
    assert.equal(bans.find((b) => b.address === ATTACKER)?.rule, 'rtp-wrong-source');
    const attempts = (await api.call('GET', '/api/v1/intrusion/attempts', { headers })).json<{
      top: { source: string; byService: Record<string, number>; byKind: Record<string, number> }[];
    }>();
    const row = attempts.top.find((t) => t.source === ATTACKER);
    assert.ok(row, JSON.stringify(attempts));
    // the worker reports once a second: a batch after the ban is dropped as banned, uncounted
    const counted = row.byKind['rtp-wrong-source'] ?? 0;
    assert.ok(counted >= 10 && counted <= 4 * PACKETS_PER_PORT, `counted ${counted}`);
    assert.equal(row.byService['rtp'], counted);
    // the legitimate peers' address was never reported
    assert.equal(
      attempts.top.some((t) => t.source === '127.0.0.1'),
      false,
    );
  },
);
