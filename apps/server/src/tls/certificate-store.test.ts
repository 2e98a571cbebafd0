import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nullLogger } from '@palisade/common';
import { CertificateStore } from './certificate-store.ts';
import { createSelfSignedCertificate } from './self-signed.ts';

test('first open makes a self-signed pair with a private key only the owner reads', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-tls-'));
  const store = await CertificateStore.open({
    dataDir,
    certFile: null,
    keyFile: null,
    names: ['pbx.example.test'],
    logger: nullLogger,
  });
  const info = store.info();
  assert.ok(info.selfSigned);
  assert.match(info.subject, /CN=pbx\.example\.test/);
  const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'server.crt')));
  assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
  assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.equal(statSync(join(dataDir, 'tls', 'server.key')).mode & 0o077, 0);
  // A second open reuses the pair.
  const again = await CertificateStore.open({
    dataDir,
    certFile: null,
    keyFile: null,
    names: ['other'],
    logger: nullLogger,
  });
  assert.equal(again.info().fingerprint256, info.fingerprint256);
});

test('reload takes a renewed pair and refuses a mismatched one', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-tls-'));
  const store = await CertificateStore.open({
    dataDir,
    certFile: null,
    keyFile: null,
    names: ['a.test'],
    logger: nullLogger,
  });
  const seen: string[] = [];
  store.onChange((pair) => seen.push(pair.certPem));
  const before = store.info().fingerprint256;

  const renewed = createSelfSignedCertificate(['b.test']);
  writeFileSync(store.certFile, renewed.certPem);
  writeFileSync(store.keyFile, renewed.keyPem);
  assert.equal(store.reload(), true);
  assert.notEqual(store.info().fingerprint256, before);
  assert.equal(seen.length, 1);

  const other = createSelfSignedCertificate(['c.test']);
  writeFileSync(store.certFile, other.certPem); // key no longer matches
  assert.equal(store.reload(), false);
  assert.match(store.info().subject, /b\.test/);
  assert.equal(seen.length, 1);
});
