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
