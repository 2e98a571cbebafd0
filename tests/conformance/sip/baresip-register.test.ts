/**
 * baresip registering over UDP, TCP and TLS (our CA file), each with its
 * own config dir on its own loopback port; the registrar must list the
 * binding with the transport it arrived on. MD5 only: baresip 1.0 does not
 * pass over a SHA-256 challenge it cannot answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { debianPeer } from '../../support/debian.ts';
import { freeSipPort } from '../../support/ports.ts';
import { startPeer } from '../../support/process.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';

const baresip = debianPeer('baresip', 'baresip');
let p: SipPalisade;
let devices: TestDevice[];
const dirs: string[] = [];

before(async () => {
  if (baresip.skip) return;
  // baresip 1.0 gives up when the first challenge is SHA-256 (RFC 8760 says pick one it knows)
  p = await startSipPalisade({ PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5' });
  devices = await addDevices(p, 3, 2000);
});

after(async () => {
  await p?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('baresip registers', { skip: baresip.skip }, () => {
  const cases = [
    ['udp', 0],
    ['tcp', 1],
    ['tls', 2],
  ] as const;
  for (const [transport, index] of cases) {
    test(`over ${transport.toUpperCase()}`, async () => {
      const device = devices[index]!;
      const dir = mkdtempSync(join(tmpdir(), 'palisade-baresip-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'ca.pem'), p.ca);
      const listen = await freeSipPort('127.0.0.1', 2);
      writeFileSync(
        join(dir, 'config'),
        [
          'poll_method epoll',
          `sip_listen 127.0.0.1:${listen}`,
          `sip_cafile ${join(dir, 'ca.pem')}`,
          'module_path /usr/lib/baresip/modules',
          'module g711.so',
          'module_app account.so',
          'audio_player aufile,/dev/null',
          'audio_source aufile,/dev/null',
          '',
        ].join('\n'),
      );
      const port = transport === 'tls' ? p.tlsPort : transport === 'tcp' ? p.tcpPort : p.udpPort;
      writeFileSync(
        join(dir, 'accounts'),
        `<sip:${device.sipUsername}@${SIP_DOMAIN};transport=${transport}>;auth_pass=${device.secret};outbound="sip:127.0.0.1:${port};transport=${transport}";regint=600\n`,
      );
      const peer = startPeer(baresip.path!, ['-f', dir, '-t', '20'], { maxMs: 30_000 });
      try {
        // baresip's stdout is block-buffered on a pipe: watch the registrar instead
        const deadline = Date.now() + 15_000;
        while (p.server.sip.location.bindingsOf(device.deviceId).length === 0) {
          if (Date.now() > deadline)
            assert.fail(`no registration; baresip said:\n${peer.output()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const live = await p.server.domain.registrations.list(CLI_ACTOR, {
          tenantId: p.server.domain.defaultTenant.id,
          deviceId: device.deviceId,
        });
        assert.equal(live.length, 1);
        assert.equal(live[0]?.transport, transport.toUpperCase());
        assert.equal(live[0]?.sourceAddress, '127.0.0.1');
        assert.match(live[0]?.userAgent ?? '', /baresip/);
        const event = p.events.find(
          (e) => e.type === 'sip.register' && e.detail?.['sipUsername'] === device.sipUsername,
        );
        assert.equal(event?.detail?.['transport'], transport.toUpperCase());
      } finally {
        await peer.stop();
      }
    });
  }
});
