/** Free loopback ports for tests: asks the kernel, so parallel runs do not collide. */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export async function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

async function freeOn(kind: 'tcp' | 'udp', port: number, host: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (kind === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, host, () => s.close(() => resolve(true)));
    } else {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    }
  });
}

/**
 * A port free for both UDP and TCP (SIP listens on both). With `span` > 1,
 * the next ports are free for TCP too: baresip puts its TLS listener on
 * the SIP port + 1 and gives up when that one is taken.
 */
export async function freeSipPort(host = '127.0.0.1', span = 1): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freeTcpPort(host);
    if (port + span > 65536 || !(await freeOn('udp', port, host))) continue;
    let ok = true;
    for (let k = 1; k < span && ok; k++) ok = await freeOn('tcp', port + k, host);
    if (ok) return port;
  }
  throw new Error('no free SIP port');
}

/**
 * The settings of a Palisade in its own process on loopback: data in
 * `dataDir`, HTTPS and SIP (UDP/TCP on one port, TLS) on free ports.
 */
export async function loopbackServerEnv(
  dataDir: string,
  domain: string,
): Promise<Record<string, string>> {
  const sip = String(await freeSipPort());
  return {
    PALISADE_DATA_DIR: dataDir,
    PALISADE_HTTP_BIND: '127.0.0.1',
    PALISADE_HTTP_PORT: String(await freeTcpPort()),
    PALISADE_SIP_BIND: '127.0.0.1',
    PALISADE_SIP_UDP_PORT: sip,
    PALISADE_SIP_TCP_PORT: sip,
    PALISADE_SIP_TLS_PORT: String(await freeTcpPort()),
    PALISADE_SIP_DOMAIN: domain,
  };
}
