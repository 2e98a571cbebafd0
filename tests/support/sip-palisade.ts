/**
 * A real Palisade with SIP on free loopback ports, and devices with known
 * secrets made through the product's own device service (the secret is
 * shown once, at creation, as to an administrator).
 */
import { CLI_ACTOR } from '@palisade/pbx';
import { startTestPalisade, type TestPalisade } from './palisade.ts';

export const SIP_DOMAIN = 'pbx.test';

export interface SipPalisade extends TestPalisade {
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly tlsPort: number;
}

export async function startSipPalisade(env: Record<string, string> = {}): Promise<SipPalisade> {
  const p = await startTestPalisade(env);
  const port = (t: string): number => {
    const l = p.server.sip.listeners.find((x) => x.transport === t);
    if (!l) throw new Error(`no ${t} listener`);
    return l.port;
  };
  return Object.assign(p, { udpPort: port('UDP'), tcpPort: port('TCP'), tlsPort: port('TLS') });
}

export interface TestDevice {
  readonly extension: string;
  readonly sipUsername: string;
  readonly secret: string;
  readonly userId: string;
  readonly deviceId: string;
}

/** Users with extensions first.. and one device each whose SIP username is the extension. */
export async function addDevices(
  p: TestPalisade,
  count: number,
  first = 1000,
): Promise<TestDevice[]> {
  const d = p.server.domain;
  const out: TestDevice[] = [];
  for (let i = 0; i < count; i++) {
    const extension = String(first + i);
    const user = await d.users.create(CLI_ACTOR, {
      tenantId: d.defaultTenant.id,
      username: `user${extension}`,
      extension,
      displayName: `User ${extension}`,
    });
    let creds = await d.devices.add(CLI_ACTOR, { userId: user.id, sipUsername: extension });
    // SIPp reads `[authentication … password=0x…]` as hex bytes, so a secret
    // that happens to start with 0x (1 in 3,844) would fail its digest there
    while (/^0x/i.test(creds.secret))
      creds = await d.devices.rotateSecret(CLI_ACTOR, creds.device.id);
    out.push({
      extension,
      sipUsername: creds.sipUsername,
      secret: creds.secret,
      userId: user.id,
      deviceId: creds.device.id,
    });
  }
  return out;
}
