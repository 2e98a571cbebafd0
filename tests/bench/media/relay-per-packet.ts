/**
 * CPU per relayed packet of the built-in engine, measured as process CPU
 * (all threads) for N packets sent through the relay, minus the same N sent
 * directly between the two endpoints (what the test endpoints cost alone).
 * Three runs: plain RTP both legs, SDES-SRTP (AES-CM) on one leg, AEAD GCM
 * on one leg. Loopback only; packets paced in bursts so none are lost.
 * Run: node tests/bench/media/relay-per-packet.ts
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { once } from 'node:events';
import { BuiltinMediaEngine, SrtpContext, createSdesKey, parseSdp } from '@palisade/media';
import type { SrtpSuiteName } from '@palisade/media';
import { loopbackSdp } from './loopback-sdp.ts';

const N = 20_000;
const BURST = 50;

async function bind(): Promise<Socket> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

function packets(tx: SrtpContext | undefined): Buffer[] {
  return Array.from({ length: N }, (_, i) => {
    const p = Buffer.alloc(172);
    p[0] = 0x80;
    p.writeUInt16BE(i & 0xffff, 2);
    p.writeUInt32BE(i * 160, 4);
    p.writeUInt32BE(0x01020304, 8);
    return tx ? tx.protectRtp(p) : p;
  });
}

/** Sends all packets from `from` to `port`, waiting for each burst to arrive at `to`. */
async function pump(from: Socket, to: Socket, port: number, list: Buffer[]): Promise<number> {
  let got = 0;
  let wake: (() => void) | undefined;
  const onMessage = (): void => {
    got++;
    wake?.();
  };
  to.on('message', onMessage);
  const start = process.cpuUsage();
  for (let i = 0; i < list.length; i += BURST) {
    for (let j = i; j < Math.min(i + BURST, list.length); j++)
      from.send(list[j]!, port, '127.0.0.1');
    const want = Math.min(i + BURST, list.length);
    const deadline = Date.now() + 2000;
    while (got < want && Date.now() < deadline) await new Promise<void>((r) => (wake = r));
  }
  const cpu = process.cpuUsage(start);
  to.off('message', onMessage);
  if (got < list.length) throw new Error(`lost ${list.length - got} packets`);
  return (cpu.user + cpu.system) / list.length;
}

const engine = await BuiltinMediaEngine.start({
  bindAddress: '127.0.0.1',
  portMin: 39000,
  portMax: 39099,
  workers: 1,
});
const alice = await bind();
const bob = await bind();
const direct = await pump(alice, bob, bob.address().port, packets(undefined));
console.log(`endpoints alone: ${direct.toFixed(2)} µs CPU/packet`);

for (const suite of [undefined, 'AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] as (
  SrtpSuiteName | undefined
)[]) {
  const key = suite ? createSdesKey(suite, 1) : undefined;
  const session = await engine.createSession(`bench-${suite ?? 'plain'}`);
  await session.offer(
    'a',
    loopbackSdp(
      alice.address().port,
      key ? `1 ${suite} inline:${key.attribute.keyParams[0]!.keySalt}` : undefined,
    ),
    { transport: 'RTP/AVP' },
  );
  const toAlice = await session.answer('b', loopbackSdp(bob.address().port));
  const relay = parseSdp(toAlice).media[0]!.port;
  const list = packets(key ? new SrtpContext(key.key) : undefined);
  const through = await pump(alice, bob, relay, list);
  console.log(
    `relay, ${suite ? `${suite} -> RTP` : 'RTP -> RTP'}: ${(through - direct).toFixed(2)} µs CPU/packet added by the relay`,
  );
  await session.delete();
}
alice.close();
bob.close();
await engine.close();
