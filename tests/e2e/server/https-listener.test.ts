/**
 * The HTTPS listener as a client meets it: health, security headers, TLS
 * hardening (TLS 1.2+, AEAD only, no renegotiation) and graceful stop.
 */
import assert from 'node:assert/strict';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, test } from 'node:test';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';

let p: TestPalisade;
before(async () => {
  p = await startTestPalisade();
});
after(async () => {
  await p.stop();
});

test('healthz and readyz answer, with every security header and no version banner', async () => {
  const health = await p.client.call('GET', '/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  const ready = await p.client.call('GET', '/readyz');
  assert.equal(ready.status, 200);
  assert.equal(ready.json<{ status: string }>().status, 'ready');
  for (const r of [health, ready]) {
    assert.match(String(r.headers['strict-transport-security']), /max-age=\d{8}/);
    assert.match(
      String(r.headers['content-security-policy']),
      /default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers.server, undefined);
    assert.equal(r.headers['x-powered-by'], undefined);
  }
});

function handshake(
  options: ConnectionOptions,
): Promise<
  | { ok: true; protocol: string | null; cipher: string; socket: ReturnType<typeof connect> }
  | { ok: false; error: string }
> {
  return new Promise((resolve) => {
    const socket = connect(
      {
        host: '127.0.0.1',
        port: p.server.httpsPort,
        ca: p.ca,
        servername: 'localhost',
        ...options,
      },
      () =>
        resolve({
          ok: true,
          protocol: socket.getProtocol(),
          cipher: socket.getCipher().name,
          socket,
        }),
    );
    socket.on('error', (e: Error) => resolve({ ok: false, error: e.message }));
  });
}

test('TLS 1.0 and 1.1 are refused; TLS 1.3 and 1.2 with AEAD are accepted', async () => {
  for (const v of ['TLSv1', 'TLSv1.1'] as const) {
    const r = await handshake({ minVersion: v, maxVersion: v, ciphers: 'DEFAULT:@SECLEVEL=0' });
    assert.equal(r.ok, false, `${v} must be refused`);
  }
  const t13 = await handshake({});
  assert.ok(t13.ok);
  assert.equal(t13.protocol, 'TLSv1.3');
  t13.socket.destroy();
  const t12 = await handshake({ maxVersion: 'TLSv1.2' });
  assert.ok(t12.ok);
  assert.equal(t12.protocol, 'TLSv1.2');
  assert.match(t12.cipher, /GCM|CHACHA20/);
  t12.socket.destroy();
});

test('TLS 1.2 without an AEAD suite is refused', async () => {
  const r = await handshake({
    maxVersion: 'TLSv1.2',
    ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:AES128-SHA',
  });
  assert.equal(r.ok, false);
});

test('client-initiated renegotiation is refused', async () => {
  const r = await handshake({ maxVersion: 'TLSv1.2' });
  assert.ok(r.ok);
  const outcome = await new Promise<string>((resolve) => {
    r.socket.on('error', (e: Error) => resolve(`error: ${e.message}`));
    r.socket.on('close', () => resolve('closed'));
    const started = r.socket.renegotiate({}, (err) =>
      resolve(err ? `refused: ${err.message}` : 'renegotiated'),
    );
    if (!started) resolve('refused locally');
  });
  assert.notEqual(outcome, 'renegotiated');
  r.socket.destroy();
});

test('a renewed certificate is served without a restart', async () => {
  const { createSelfSignedCertificate } =
    await import('../../../apps/server/src/tls/self-signed.ts');
  const { writeFileSync } = await import('node:fs');
  const before = await handshake({});
  assert.ok(before.ok);
  const oldFingerprint = before.socket.getPeerCertificate().fingerprint256;
  before.socket.destroy();
  const renewed = createSelfSignedCertificate(['renewed.test']);
  writeFileSync(p.server.certificates.keyFile, renewed.keyPem);
  writeFileSync(p.server.certificates.certFile, renewed.certPem);
  assert.equal(p.server.certificates.reload(), true);
  const after = await handshake({ ca: renewed.certPem });
  assert.ok(after.ok);
  assert.notEqual(after.socket.getPeerCertificate().fingerprint256, oldFingerprint);
  after.socket.destroy();
});
