/**
 * One media thread of srtp-echo-uas.ts: a socket on the media port of its
 * own loopback address, the SRTP contexts of the calls answered with that
 * address (made here from the keys the SIP thread posts), and the echo:
 * decrypt with the relay's key, re-encrypt with ours, send back.
 */
import { createSocket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { SrtpContext, isRtcp } from '@palisade/media';
import type { SrtpKeyMaterial } from '@palisade/media';

export interface EchoCounts {
  rx: number;
  echoed: number;
  auth_failed: number;
  replayed: number;
  malformed: number;
  too_many_streams: number;
  unknown_source: number;
  send_failed: number;
}

export const ZERO_COUNTS: Readonly<EchoCounts> = {
  rx: 0,
  echoed: 0,
  auth_failed: 0,
  replayed: 0,
  malformed: 0,
  too_many_streams: 0,
  unknown_source: 0,
  send_failed: 0,
};

/** From the SIP thread: a call's media (keys absent: plain RTP), its end, or "report and reset". */
export type EchoCommand =
  | {
      readonly op: 'add';
      readonly port: number;
      readonly address: string;
      readonly rx?: SrtpKeyMaterial;
      readonly tx?: SrtpKeyMaterial;
    }
  | { readonly op: 'remove'; readonly port: number }
  | { readonly op: 'report'; readonly id: number };

export interface EchoSettings {
  readonly ip: string;
  readonly mediaPort: number;
  readonly echo: boolean;
}

interface Call {
  readonly address: string;
  readonly rx: SrtpContext | undefined;
  readonly tx: SrtpContext | undefined;
}

if (parentPort) {
  const port = parentPort;
  const settings = workerData as EchoSettings;
  const calls = new Map<number, Call>();
  let count: EchoCounts = { ...ZERO_COUNTS };
  const media = createSocket('udp4');

  media.on('message', (packet, from) => {
    const call = calls.get(from.port);
    if (!call || call.address !== from.address) {
      count.unknown_source++;
      return;
    }
    count.rx++;
    if (!settings.echo) return;
    let out: Buffer = packet;
    if (call.rx && call.tx) {
      const rtcp = isRtcp(packet);
      const plain = rtcp ? call.rx.unprotectRtcp(packet) : call.rx.unprotectRtp(packet);
      if (typeof plain === 'string') {
        count[plain]++;
        return;
      }
      try {
        out = rtcp ? call.tx.protectRtcp(plain) : call.tx.protectRtp(plain);
      } catch {
        count.send_failed++;
        return;
      }
    }
    count.echoed++;
    media.send(out, from.port, from.address);
  });
  media.on('error', () => undefined);

  port.on('message', (cmd: EchoCommand) => {
    switch (cmd.op) {
      case 'add':
        calls.set(cmd.port, {
          address: cmd.address,
          rx: cmd.rx ? new SrtpContext(cmd.rx) : undefined,
          tx: cmd.tx ? new SrtpContext(cmd.tx) : undefined,
        });
        return;
      case 'remove':
        calls.delete(cmd.port);
        return;
      case 'report':
        port.postMessage({ id: cmd.id, count });
        count = { ...ZERO_COUNTS };
        return;
    }
  });
  media.bind(settings.mediaPort, settings.ip, () => port.postMessage('ready'));
}
