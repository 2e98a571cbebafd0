import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { SipNodeTransport } from './sip-node-transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'sip-node-tls-'));

function selfSigned(name: string): { cert: string; key: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
  };
}

function peerName(port: number, options: { maxVersion?: 'TLSv1.1' } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      const subject = s.getPeerCertificate().subject;
      s.destroy();
      resolve(String(subject?.CN));
    });
    s.once('error', reject);
  });
}

describe('SipNodeTransport over TLS', () => {
  let first: { cert: string; key: string };
  let second: { cert: string; key: string };
  let transport: SipNodeTransport;
  let port = 0;
  before(async () => {
    first = selfSigned('first.test');
    second = selfSigned('second.test');
    transport = new SipNodeTransport({
      receive: () => undefined,
      tls: { ...first, minVersion: 'TLSv1.2' },
    });
    const [bound] = await transport.listen([{ transport: 'TLS', host: '127.0.0.1', port: 0 }]);
    port = bound!.port;
  });
  after(async () => {
    await transport.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a new certificate without a restart', async () => {
    assert.equal(await peerName(port), 'first.test');
    transport.setSecureContext({ ...second, minVersion: 'TLSv1.2' });
    assert.equal(await peerName(port), 'second.test');
  });

  it('applies the options it is given (TLS 1.1 refused)', async () => {
    await assert.rejects(peerName(port, { maxVersion: 'TLSv1.1' }));
  });
});
