/**
 * CPU of the built-in relay under call-like load, without SIP: N sessions on
 * a BuiltinMediaEngine in a process of its own, G.711-sized RTP at 50
 * packets/s per call from one generator socket, all calls in one burst every
 * 20 ms (as SIPp's rtp_stream), echoed back by a second socket (as
 * `sipp -rtp_echo`). Reports the engine process's CPU (all its threads,
 * from /proc) and RSS over the measuring window, the loss seen by the
 * generator and where packets were dropped (receive queues of the relay's
 * and of the generator's sockets: a busy host makes the one-thread
 * generator, not the relay, fall behind first).
 * With --srtp the callee leg is SDES (AES_CM_128_HMAC_SHA1_80) and the echo
 * decrypts and re-encrypts with @palisade/media's SrtpContext.
 *
 * Before/after in one run: give several checkouts, they are measured in
 * turn, `--rounds` times each (ABAB…), on the same load:
 *
 *   node tests/bench/media/relay-load.ts --calls 300 --seconds 15 --rounds 3 \
 *     [--srtp] [--workers 2] /path/to/before .
 */
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type * as Media from '@palisade/media';
import { loopbackSdp } from './loopback-sdp.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    calls: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '1' },
    workers: { type: 'string' },
    srtp: { type: 'boolean', default: false },
    engine: { type: 'string' },
  },
});
const CALLS = Number(values.calls);
const PAYLOAD = 160;
const HZ = Number(process.env['CLK_TCK'] ?? 100);

interface Plan {
  readonly uacPort: number;
  readonly uasPort: number;
}
interface Placed {
  /** relay port facing the UAC and the UAS, and the UAS leg's SDES key (base64) if any */
  readonly legs: { readonly toUac: number; readonly toUas: number; readonly key?: string }[];
}

/** The engine side: runs in its own process, from the checkout in `root`. */
async function engineProcess(root: string): Promise<void> {
  const media = (await import(resolve(root, 'packages/media/src/index.ts'))) as typeof Media;
  const plan = await new Promise<Plan & { srtp: boolean }>((r) =>
    process.once('message', (m) => r(m as Plan & { srtp: boolean })),
  );
  const engine = await media.BuiltinMediaEngine.start({
    bindAddress: '127.0.0.1',
    portMin: 30000,
    portMax: 39999,
    ...(values.workers ? { workers: Number(values.workers) } : {}),
  });
  const legs: Placed['legs'] = [];
  const ours = plan.srtp ? media.createSdesKey('AES_CM_128_HMAC_SHA1_80') : undefined;
  for (let i = 0; i < CALLS; i++) {
    const session = await engine.createSession(`load-${i}`);
    const toUas = await session.offer('a', loopbackSdp(plan.uacPort), {
      transport: plan.srtp ? 'RTP/SAVP' : 'RTP/AVP',
    });
    const offered = media.parseSdp(toUas).media[0]!;
    const relayKey = media.cryptoAttributes(offered)[0];
    const answer = loopbackSdp(
      plan.uasPort,
      relayKey && ours
        ? `${relayKey.tag} AES_CM_128_HMAC_SHA1_80 inline:${ours.attribute.keyParams[0]!.keySalt}`
        : undefined,
    );
    const toUac = media.parseSdp(await session.answer('b', answer)).media[0]!.port;
    legs.push({
      toUac,
      toUas: offered.port,
      ...(relayKey ? { key: relayKey.keyParams[0]!.keySalt } : {}),
    });
  }
  process.send!({ legs, ourKey: ours?.attribute.keyParams[0]!.keySalt });
  await new Promise((r) => process.once('message', r));
  await engine.close();
  process.exit(0);
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Receive-queue drops of the UDP sockets on 127.0.0.1 whose port `mine` selects (/proc/net/udp). */
function udpDrops(mine: (port: number) => boolean): number {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1]?.split(':');
    if (!local || local[0] !== '0100007F') continue;
    if (mine(parseInt(local[1]!, 16))) drops += Number(f[f.length - 1]);
  }
  return drops;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function bind(): Promise<Socket> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  s.setRecvBufferSize(16 << 20);
  s.setSendBufferSize(16 << 20);
  return s;
}

/** One measurement of the checkout in `root`: engine CPU % (100 = one core) and loss. */
async function measure(root: string): Promise<{
  cpu: number;
  rss: number;
  loss: number;
  sent: number;
  srtpFailed: number;
  drops: string;
}> {
  const media = await import('@palisade/media');
  const uac = await bind();
  const uas = await bind();
  const child = fork(
    new URL(import.meta.url).pathname,
    [...process.argv.slice(2), '--engine', root],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  child.send({ uacPort: uac.address().port, uasPort: uas.address().port, srtp: values.srtp });
  const placed = await new Promise<Placed & { ourKey?: string }>((r) =>
    child.once('message', (m) => r(m as Placed & { ourKey?: string })),
  );
  // the echo: by the relay port a packet comes from, with per-call SRTP contexts
  const byPort = new Map<
    number,
    { rx?: InstanceType<typeof media.SrtpContext>; tx?: InstanceType<typeof media.SrtpContext> }
  >();
  for (const leg of placed.legs) {
    const material = (keySalt: string): Parameters<typeof media.sdesKeyMaterial>[0] => ({
      tag: 1,
      suite: 'AES_CM_128_HMAC_SHA1_80',
      keyParams: [{ keySalt }],
      sessionParams: [],
    });
    byPort.set(
      leg.toUas,
      leg.key && placed.ourKey
        ? {
            rx: new media.SrtpContext(media.sdesKeyMaterial(material(leg.key))),
            tx: new media.SrtpContext(media.sdesKeyMaterial(material(placed.ourKey))),
          }
        : {},
    );
  }
  let srtpFailed = 0;
  uas.on('message', (msg, from) => {
    const call = byPort.get(from.port);
    if (!call) return;
    let out: Buffer = msg;
    if (call.rx && call.tx) {
      const plain = call.rx.unprotectRtp(msg);
      if (typeof plain === 'string') {
        srtpFailed++;
        return;
      }
      out = call.tx.protectRtp(plain);
    }
    uas.send(out, from.port, from.address);
  });
  // loss over the packets sent in the window, by sequence number
  let received = 0;
  let first = Infinity;
  let last = Infinity;
  uac.on('message', (msg) => {
    const s = msg.readUInt16BE(2);
    if (s >= first && s <= last) received++;
  });
  const packets = placed.legs.map((_, i) => {
    const p = Buffer.alloc(12 + PAYLOAD, 0xd5);
    p[0] = 0x80;
    p[1] = 8;
    p.writeUInt32BE(0x10000 + i, 8);
    return p;
  });
  let seq = 0;
  const tick = (): void => {
    seq = (seq + 1) & 0xffff;
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      p.writeUInt16BE(seq, 2);
      p.writeUInt32BE((seq * 160) >>> 0, 4);
      uac.send(p, placed.legs[i]!.toUac, '127.0.0.1');
    }
  };
  // 20 ms bursts, paced on the clock so a late timer does not lower the rate
  const start = performance.now();
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  const pace = (): void => {
    while (performance.now() - start >= n * 20) {
      tick();
      n++;
    }
    timer = setTimeout(pace, Math.max(0, start + n * 20 - performance.now()));
  };
  pace();
  await new Promise((r) => setTimeout(r, 3000)); // warm up
  first = seq + 1;
  const t0 = performance.now();
  const c0 = cpuTicks(child.pid!);
  await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
  const c1 = cpuTicks(child.pid!);
  const rss = rssMiB(child.pid!);
  const generator = (p: number): boolean => p === uac.address().port || p === uas.address().port;
  const relayDrops = udpDrops((p) => p >= 30000 && p <= 39999 && !generator(p));
  const generatorDrops = udpDrops(generator);
  const t1 = performance.now();
  last = seq;
  const sentInWindow = (last - first + 1) * packets.length;
  await new Promise((r) => setTimeout(r, 300)); // the last echoes
  clearTimeout(timer);
  child.send('stop');
  await once(child, 'exit');
  uac.close();
  uas.close();
  return {
    cpu: (100 * (c1 - c0)) / HZ / ((t1 - t0) / 1000),
    rss,
    drops: `relay sockets ${relayDrops}, generator sockets ${generatorDrops}`,
    loss: (100 * (sentInWindow - received)) / Math.max(1, sentInWindow),
    sent: sentInWindow,
    srtpFailed,
  };
}

if (values.engine !== undefined) {
  await engineProcess(values.engine);
} else {
  const roots = positionals.length > 0 ? positionals : ['.'];
  const results = new Map<string, number[]>();
  for (let round = 0; round < Number(values.rounds); round++)
    for (const root of roots) {
      const r = await measure(resolve(root));
      results.set(root, [...(results.get(root) ?? []), r.cpu]);
      console.log(
        `${root}: ${CALLS} calls${values.srtp ? ' (SRTP callee leg)' : ''}: engine CPU ${r.cpu.toFixed(1)} %, RSS ${r.rss.toFixed(0)} MiB, loss ${r.loss.toFixed(3)} % of ${r.sent} (queue drops: ${r.drops})${values.srtp ? `, SRTP failures ${r.srtpFailed}` : ''}`,
      );
    }
  for (const [root, cpus] of results) {
    const sorted = [...cpus].sort((a, b) => a - b);
    console.log(
      `${root}: median engine CPU ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} % over ${cpus.length} rounds`,
    );
  }
}
