/**
 * DtlsLeg against a raw werift DTLS peer over an in-memory link: keys agree
 * when the peer is honest; a peer that presents the expected certificate
 * without holding its private key is refused in both DTLS roles (werift
 * itself does not check that signature).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtlsClient, DtlsServer, HashAlgorithm, SignatureAlgorithm } from 'werift';
import type { DtlsSocket } from 'werift';
import { DtlsLeg } from './dtls-leg.ts';
import type { DtlsKeys, DtlsRole } from './dtls-leg.ts';
import { createDtlsCertificate } from './dtls-certificate.ts';
import type { DtlsCertificate } from './dtls-certificate.ts';

const [ours, theirs, other] = await Promise.all([
  createDtlsCertificate(),
  createDtlsCertificate(),
  createDtlsCertificate(),
]);

type Outcome = { keys: DtlsKeys; peer: DtlsSocket } | { failure: string };

/** Runs a handshake: our leg in `role`, werift as the other side with `cert` + `keyPem`. */
function handshake(
  role: DtlsRole,
  cert: DtlsCertificate,
  keyPem: string,
  profiles: readonly number[] = [1],
): Promise<Outcome> {
  return new Promise((resolve) => {
    const transport = {
      type: 'udp',
      address: { port: 0, address: '', family: 'IPv4' },
      closed: false,
      onData: (_: Buffer): void => undefined,
      send: (data: Buffer): Promise<void> => {
        setImmediate(() => leg.receive(data));
        return Promise.resolve();
      },
      close: (): Promise<void> => Promise.resolve(),
    };
    const options = {
      transport: transport as never,
      cert: cert.certPem,
      key: keyPem,
      signatureHash: { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 },
      srtpProfiles: [...profiles] as never,
      extendedMasterSecret: true,
    };
    const peer: DtlsSocket =
      role === 'server'
        ? new DtlsClient(options)
        : new DtlsServer({ ...options, certificateRequest: true });
    const leg = new DtlsLeg({
      role,
      certPem: ours.certPem,
      keyPem: ours.keyPem,
      remoteFingerprint: cert.fingerprint,
      send: (p) => setImmediate(() => transport.onData(p)),
      onKeys: (keys) => resolve({ keys, peer }),
      onFailure: (failure) => resolve({ failure }),
      handshakeTimeoutMs: 10_000,
    });
    if (peer instanceof DtlsClient) void peer.connect().catch(() => undefined);
  });
}

test('AEAD_AES_128_GCM is chosen when the peer offers it too; keys are 16 + 12 bytes', async () => {
  const r = await handshake('server', theirs, theirs.keyPem, [1, 7]);
  assert.ok('keys' in r, 'failure' in r ? r.failure : '');
  assert.equal(r.keys.suite, 'AEAD_AES_128_GCM');
  assert.equal(r.keys.local.masterKey.length, 16);
  assert.equal(r.keys.local.masterSalt.length, 12);
  const k = r.peer.extractSessionKeys(16, 12);
  assert.deepEqual(r.keys.remote.masterSalt, Buffer.from(k.localSalt));
  r.peer.close();
});

for (const role of ['server', 'client'] as const) {
  test(`as DTLS ${role}: an honest peer's keys match ours (RFC 5764 exporter)`, async () => {
    const r = await handshake(role, theirs, theirs.keyPem);
    assert.ok('keys' in r, 'failure' in r ? r.failure : '');
    assert.equal(r.keys.suite, 'AES_CM_128_HMAC_SHA1_80');
    const k = r.peer.extractSessionKeys(16, 14);
    assert.deepEqual(r.keys.local.masterKey, Buffer.from(k.remoteKey));
    assert.deepEqual(r.keys.local.masterSalt, Buffer.from(k.remoteSalt));
    assert.deepEqual(r.keys.remote.masterKey, Buffer.from(k.localKey));
    r.peer.close();
  });

  test(`as DTLS ${role}: the expected certificate without its private key is refused`, async () => {
    const r = await handshake(role, theirs, other.keyPem);
    assert.ok('failure' in r);
    assert.match(r.failure, /did not prove/);
  });

  test(`as DTLS ${role}: a certificate other than the SDP fingerprint is refused`, async () => {
    const r = await handshake(role, { ...other, fingerprint: theirs.fingerprint }, other.keyPem);
    assert.ok('failure' in r);
    assert.match(r.failure, /fingerprint/);
  });
}
