/**
 * The callee of the SRTP bench variant: a SIP UAS that answers with SDES-SRTP
 * and echoes every packet back, decrypted with the key the relay offered and
 * re-encrypted with its own, in place of `sipp -sf uas_call.xml -rtp_echo`
 * (Debian's SIPp 3.6.1 has no SRTP). It takes the same arguments as that sipp
 * (`-i`, `-p`, `-mp`, `-rtp_echo`; the others are ignored), so the shared
 * harness starts it through `sipp-or-srtp-uas.sh` and counts its packets on
 * the `-mp` port exactly as it counts sipp's (by port, on any loopback
 * address): one media port for all calls, calls told apart by the relay
 * port they come from. SIP is handled here; the media by
 * BENCH_SRTP_ECHO_THREADS (2) threads of srtp-echo-worker.ts, so that the
 * echo, which does two SRTP operations per packet, is not the first thing
 * to saturate: thread i has its socket on the `-mp` port of `-i` + i
 * (127.0.0.1, 127.0.0.2, …) and calls are answered with those addresses in
 * turn. (One port on several addresses rather than SO_REUSEPORT: the
 * harness reads the drops of the single socket on 127.0.0.1:`-mp`.)
 *
 * Its SRTP is @palisade/media's SrtpContext, the code under test: a packet
 * the relay protected wrongly in the same wrong way would pass here. The
 * conformance test `tests/conformance/media/srtp-echo-uas.test.ts` checks it
 * once against baresip (libsrtp) instead.
 *
 * What is not echoed is counted: SRTP failures (auth tag, replay,
 * malformed), packets from a source that is no call's. Each time the number
 * of calls falls back to zero (a bench step ended) it prints one line
 * `srtp-uas step calls=… rx=… echoed=… auth_failed=… …` and starts again.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import {
  chooseCrypto,
  createSdesKey,
  cryptoAttributes,
  formatCrypto,
  parseSdp,
  rtcpMux,
  rtpMaps,
} from '@palisade/media';
import type { SrtpKeyMaterial } from '@palisade/media';
import { SipRequest, createResponse, newTag, parseMessage } from '@palisade/sip';
import type { SipResponse } from '@palisade/sip';
import { ZERO_COUNTS } from './srtp-echo-worker.ts';
import type { EchoCommand, EchoCounts, EchoSettings } from './srtp-echo-worker.ts';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : fallback;
}
const ip = arg('-i', '127.0.0.1');
const sipPort = Number(arg('-p', '25090'));
const mediaPort = Number(arg('-mp', '27000'));
const echo = process.argv.includes('-rtp_echo');
if (!/^127\.\d+\.\d+\.\d+$/.test(ip)) throw new Error('srtp-echo-uas: loopback addresses only');

interface Call {
  readonly callId: string;
  readonly toTag: string;
  /** Where the relay sends from (its SDP address and port). */
  readonly address: string;
  readonly port: number;
  readonly srtp: boolean;
  /** The media thread that echoes it. */
  readonly thread: number;
  readonly answerSdp: Buffer;
  inviteCseq: number;
  last: Buffer | undefined;
  retransmit: NodeJS.Timeout | undefined;
}

const calls = new Map<string, Call>();
const byPort = new Map<number, Call>();
let callsInStep = 0;
let srtpCalls = 0;

const sip = createSocket('udp4');
const threads = Number(process.env['BENCH_SRTP_ECHO_THREADS'] ?? 2);
const lastOctet = Number(ip.split('.')[3]);
if (!(threads >= 1 && lastOctet + threads <= 255))
  throw new Error('srtp-echo-uas: bad thread count');
/** Thread i's media address. */
const mediaIps = Array.from({ length: threads }, (_, i) =>
  [...ip.split('.').slice(0, 3), String(lastOctet + i)].join('.'),
);
const workers = mediaIps.map(
  (address) =>
    new Worker(new URL('./srtp-echo-worker.ts', import.meta.url), {
      workerData: { ip: address, mediaPort, echo } satisfies EchoSettings,
    }),
);
let nextThread = 0;
const tell = (cmd: EchoCommand): void => {
  for (const w of workers) w.postMessage(cmd);
};
let reports = 0;
/** The media threads' counts since the last report, summed (each resets its own). */
async function collect(): Promise<EchoCounts> {
  const id = ++reports;
  const replies = workers.map(
    (w) =>
      new Promise<EchoCounts>((resolve) => {
        const on = (m: { id?: number; count?: EchoCounts }): void => {
          if (m.id !== id || !m.count) return;
          w.off('message', on);
          resolve(m.count);
        };
        w.on('message', on);
      }),
  );
  tell({ op: 'report', id });
  const total: EchoCounts = { ...ZERO_COUNTS };
  for (const c of await Promise.all(replies))
    for (const k of Object.keys(total) as (keyof EchoCounts)[]) total[k] += c[k];
  return total;
}

function sendSip(bytes: Buffer, to: RemoteInfo): void {
  sip.send(bytes, to.port, to.address);
}

function answerSdp(
  offer: string,
  mediaIp: string,
): {
  sdp: Buffer;
  rx?: SrtpKeyMaterial;
  tx?: SrtpKeyMaterial;
} {
  const parsed = parseSdp(offer);
  const m = parsed.media.find((x) => x.type === 'audio' && x.port !== 0);
  if (!m) throw new Error('no audio stream');
  const pt = m.formats.includes('8') ? '8' : m.formats.includes('0') ? '0' : m.formats[0]!;
  const map = rtpMaps(m).find((r) => String(r.payloadType) === pt);
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 ${mediaIp}`,
    's=-',
    `c=IN IP4 ${mediaIp}`,
    't=0 0',
    `m=audio ${mediaPort} ${m.proto} ${pt}`,
    map
      ? `a=rtpmap:${pt} ${map.encoding}/${map.clockRate}`
      : `a=rtpmap:${pt} ${pt === '0' ? 'PCMU' : 'PCMA'}/8000`,
    'a=ptime:20',
    'a=sendrecv',
  ];
  if (rtcpMux(m)) lines.push('a=rtcp-mux');
  let rx: SrtpKeyMaterial | undefined;
  let tx: SrtpKeyMaterial | undefined;
  if (m.proto === 'RTP/SAVP' || m.proto === 'RTP/SAVPF') {
    const offered = chooseCrypto(cryptoAttributes(m));
    if (!offered) throw new Error('no acceptable a=crypto');
    const ours = createSdesKey(offered.key.suite, offered.attribute.tag);
    rx = offered.key;
    tx = ours.key;
    lines.push(`a=crypto:${formatCrypto(ours.attribute)}`);
  }
  return { sdp: Buffer.from(`${lines.join('\r\n')}\r\n`), ...(rx && tx ? { rx, tx } : {}) };
}

function respond(call: Call | undefined, bytes: Buffer, to: RemoteInfo): void {
  if (call) call.last = bytes;
  sendSip(bytes, to);
}

function onInvite(req: SipRequest, from: RemoteInfo): void {
  const known = calls.get(req.callId);
  if (known && req.cseq.seq === known.inviteCseq) {
    // a retransmission: the last answer again
    if (known.last) sendSip(known.last, from);
    return;
  }
  if (known) {
    // a re-INVITE (refresh): the same answer
    known.inviteCseq = req.cseq.seq;
    const ok = createResponse(req, 200, {
      toTag: known.toTag,
      headers: [['Contact', `<sip:uas@${ip}:${sipPort}>`]],
      contentType: 'application/sdp',
      body: known.answerSdp,
    }).toBuffer();
    respond(known, ok, from);
    return;
  }
  let answer: ReturnType<typeof answerSdp>;
  let thread: number;
  let offer: { address: string; port: number };
  try {
    const text = req.body.toString('utf8');
    const parsed = parseSdp(text);
    const m = parsed.media.find((x) => x.type === 'audio' && x.port !== 0);
    const address = m?.connection?.address ?? parsed.connection?.address;
    if (!m || !address) throw new Error('no audio address');
    offer = { address, port: m.port };
    thread = nextThread++ % workers.length;
    answer = answerSdp(text, mediaIps[thread]!);
  } catch {
    sendSip(createResponse(req, 488).toBuffer(), from);
    return;
  }
  const toTag = newTag();
  const call: Call = {
    callId: req.callId,
    toTag,
    address: offer.address,
    port: offer.port,
    srtp: answer.rx !== undefined,
    thread,
    answerSdp: answer.sdp,
    inviteCseq: req.cseq.seq,
    last: undefined,
    retransmit: undefined,
  };
  calls.set(call.callId, call);
  byPort.set(call.port, call);
  workers[thread]!.postMessage({
    op: 'add',
    port: call.port,
    address: call.address,
    ...(answer.rx && answer.tx ? { rx: answer.rx, tx: answer.tx } : {}),
  } satisfies EchoCommand);
  callsInStep++;
  if (call.srtp) srtpCalls++;
  const contact: [string, string] = ['Contact', `<sip:uas@${ip}:${sipPort}>`];
  sendSip(createResponse(req, 100).toBuffer(), from);
  respond(call, createResponse(req, 180, { toTag, headers: [contact] }).toBuffer(), from);
  const ok = createResponse(req, 200, {
    toTag,
    headers: [contact],
    contentType: 'application/sdp',
    body: answer.sdp,
  }).toBuffer();
  respond(call, ok, from);
  // RFC 3261 §13.3.1.4: the 2xx again at T1, doubling to T2, until the ACK
  let every = 500;
  const again = (): void => {
    sendSip(ok, from);
    every = Math.min(every * 2, 4000);
    call.retransmit = setTimeout(again, every);
  };
  call.retransmit = setTimeout(again, every);
}

let stepEnded: Promise<void> = Promise.resolve();

function end(call: Call): void {
  clearTimeout(call.retransmit);
  calls.delete(call.callId);
  if (byPort.get(call.port) === call) {
    byPort.delete(call.port);
    workers[call.thread]!.postMessage({ op: 'remove', port: call.port } satisfies EchoCommand);
  }
  if (calls.size === 0) {
    const line = `calls=${callsInStep} srtp_calls=${srtpCalls}`;
    callsInStep = 0;
    srtpCalls = 0;
    stepEnded = collect().then((count) => {
      process.stdout.write(
        `srtp-uas step ${line} ${Object.entries(count)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}\n`,
      );
    });
  }
}

sip.on('message', (buf, from) => {
  let msg: SipRequest | SipResponse;
  try {
    msg = parseMessage(buf);
  } catch {
    return;
  }
  if (!(msg instanceof SipRequest)) return;
  const call = calls.get(msg.callId);
  switch (msg.method) {
    case 'INVITE':
      onInvite(msg, from);
      return;
    case 'ACK':
      if (call) clearTimeout(call.retransmit);
      return;
    case 'BYE':
      sendSip(createResponse(msg, call ? 200 : 481).toBuffer(), from);
      if (call) end(call);
      return;
    case 'CANCEL':
      sendSip(createResponse(msg, call ? 200 : 481).toBuffer(), from);
      return;
    default:
      sendSip(createResponse(msg, 200).toBuffer(), from);
  }
});

sip.on('error', (err) => process.stderr.write(`srtp-uas SIP socket: ${err.message}\n`));
await Promise.all([
  new Promise<void>((r) => sip.bind(sipPort, ip, r)),
  ...workers.map((w) => once(w, 'message')),
]);
process.stdout.write(
  `srtp-uas listening on ${ip}:${sipPort}, media port ${mediaPort} on ${mediaIps.join(', ')}${echo ? ' (echo)' : ''}; SRTP by @palisade/media's SrtpContext\n`,
);
process.once('SIGTERM', () => {
  if (calls.size > 0) for (const c of [...calls.values()]) end(c);
  void stepEnded.then(() => {
    sip.close();
    process.exit(0);
  });
});
