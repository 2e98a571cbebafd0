/**
 * linphone-cli (`linphonec`, headless, no sound card) registering over TLS
 * with SHA-256 digest (RFC 8760) against our CA, then un-registering when
 * told to quit.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { startPeer } from '../../support/process.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';

const linphonec = debianPeer('linphone-cli', 'linphonec');
let p: SipPalisade;
let device: TestDevice;
let home: string;

before(async () => {
  if (linphonec.skip) return;
  p = await startSipPalisade();
  [device] = (await addDevices(p, 1, 5000)) as [TestDevice];
  home = mkdtempSync(join(tmpdir(), 'palisade-linphone-'));
});
after(async () => {
  await p?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`${what}; linphone log tail:\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test(
  'linphonec registers over TLS with SHA-256 digest and un-registers on quit',
  { skip: linphonec.skip },
  async () => {
    mkdirSync(join(home, '.local', 'share', 'linphone'), { recursive: true });
    writeFileSync(join(home, 'ca.pem'), p.ca);
    const rc = join(home, 'linphonerc');
    writeFileSync(
      rc,
      [
        '[sip]',
        'sip_port=0',
        'sip_tcp_port=0',
        'sip_tls_port=-1',
        'default_proxy=0',
        `root_ca=${join(home, 'ca.pem')}`,
        'verify_server_certs=1',
        // the certificate names the SIP domain; we connect to 127.0.0.1
        'verify_server_cn=0',
        'register_only_when_network_is_up=0',
        '',
        '[proxy_0]',
        `reg_proxy=<sip:127.0.0.1:${p.tlsPort};transport=tls>`,
        `reg_identity=sip:${device.sipUsername}@${SIP_DOMAIN}`,
        'reg_expires=600',
        'reg_sendregister=1',
        'publish=0',
        '',
        '[auth_info_0]',
        `username=${device.sipUsername}`,
        `passwd=${device.secret}`,
        `realm=${SIP_DOMAIN}`,
        `domain=${SIP_DOMAIN}`,
        'algorithm=SHA-256',
        '',
      ].join('\n'),
    );
    const logFile = join(home, 'linphone.log');
    const log = (): string => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    };
    const peer = startPeer(linphonec.path!, ['-c', rc, '-d', '6', '-l', logFile], {
      env: { ...process.env, HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
      maxMs: 60_000,
    });
    try {
      const bindings = () => p.server.sip.location.bindingsOf(device.deviceId);
      await until('no registration', () => bindings().length === 1, log);
      assert.equal(bindings()[0]?.transport, 'TLS');
      assert.match(bindings()[0]?.instanceId ?? '', /^urn:uuid:/);
      assert.match(log(), /Authorization:\s+Digest [^\n]*algorithm=SHA-256/);
      assert.doesNotMatch(log(), /Authorization:\s+Digest [^\n]*algorithm=MD5/);
      peer.child.stdin?.write('quit\n');
      await until('no un-registration', () => bindings().length === 0, log);
    } finally {
      await peer.stop();
    }
  },
);
