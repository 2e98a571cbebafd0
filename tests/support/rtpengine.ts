/**
 * A real rtpengine (Debian rtpengine-daemon, userspace) on loopback for
 * tests, ready when its ng port answers a ping; strict endpoint learning
 * as docs/media.md asks.
 */
import { createSocket } from 'node:dgram';
import { freeSipPort } from './ports.ts';
import { startPeer, type RunningPeer } from './process.ts';

export interface RunningRtpengine {
  readonly ngPort: number;
  readonly peer: RunningPeer;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, 300);
    socket.once('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(m.toString().includes('pong'));
    });
    socket.send('ready d7:command4:pinge', port, '127.0.0.1');
  });
}

export async function startRtpengine(
  path: string,
  ports: { readonly min: number; readonly max: number },
): Promise<RunningRtpengine> {
  const ngPort = await freeSipPort();
  const peer = startPeer(
    path,
    [
      '--config-file=none',
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      `--port-min=${ports.min}`,
      `--port-max=${ports.max}`,
      '--table=-1',
      '--num-threads=2',
      '--timeout=30',
      '--delete-delay=0',
      '--endpoint-learning=immediate',
      '--log-level=4',
      '--log-stderr',
      '--foreground',
    ],
    { maxMs: 600_000 },
  );
  const deadline = Date.now() + 15_000;
  while (!(await ping(ngPort))) {
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`rtpengine did not start: ${peer.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ngPort, peer, stop: () => peer.stop() };
}
