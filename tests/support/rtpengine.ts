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
  maxMs = 600_000,
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
    { maxMs },
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

export type EngineUnderTest = 'builtin' | 'rtpengine';

export interface EngineUnderTestEnv {
  /** Palisade's environment for that engine and RTP port range. */
  readonly env: Record<string, string>;
  /** Stops what was started for the engine (rtpengine); call it after Palisade stops. */
  readonly stop: () => Promise<void>;
}

/**
 * What a call test needs to run Palisade with `engine`: its environment
 * and, for rtpengine, a daemon of its own on `rtpPorts` (`binary` is
 * rtpengine-daemon's path).
 */
export async function mediaEngineEnv(
  engine: EngineUnderTest,
  rtpPorts: { readonly min: number; readonly max: number },
  binary: string | undefined,
): Promise<EngineUnderTestEnv> {
  const env: Record<string, string> = {
    PALISADE_MEDIA_ENGINE: engine,
    PALISADE_MEDIA_RTP_PORT_MIN: String(rtpPorts.min),
    PALISADE_MEDIA_RTP_PORT_MAX: String(rtpPorts.max),
  };
  if (engine === 'builtin') return { env, stop: () => Promise.resolve() };
  if (binary === undefined) throw new Error('rtpengine-daemon is not installed');
  const daemon = await startRtpengine(binary, rtpPorts);
  env['PALISADE_MEDIA_RTPENGINE_NODES'] = `127.0.0.1:${String(daemon.ngPort)}`;
  return { env, stop: () => daemon.stop() };
}
