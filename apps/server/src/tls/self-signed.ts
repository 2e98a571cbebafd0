/**
 * The certificate made at first start when none is configured: ECDSA P-256,
 * valid for a year, for this host's name, localhost and the loopback
 * addresses. Replace it with an uploaded or ACME certificate for production.
 * Built with node:crypto and a few lines of DER, so no dependency is needed.
 */
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import {
  bitString,
  bool,
  explicit,
  implicit,
  octetString,
  oid,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der.ts';

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

function name(commonName: string): Buffer {
  return sequence(
    set(sequence(oid('2.5.4.3'), utf8String(commonName))),
    set(sequence(oid('2.5.4.10'), utf8String('Palisade self-signed'))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), bool(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

export function createSelfSignedCertificate(
  names: readonly string[] = [hostname()],
  now = new Date(),
): PemPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dnsNames = [...new Set([...names.filter((n) => n !== '' && isIP(n) === 0), 'localhost'])];
  const ips = [...new Set([...names.filter((n) => isIP(n) !== 0), '127.0.0.1', '::1'])];
  const subject = name(dnsNames[0] ?? 'localhost');
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const san = sequence(
    ...dnsNames.map((d) => implicit(2, Buffer.from(d, 'ascii'))),
    ...ips.map((ip) => implicit(7, ipBytes(ip))),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    sequence(oid(ECDSA_WITH_SHA256)),
    subject,
    sequence(
      time(new Date(now.getTime() - 60_000)),
      time(new Date(now.getTime() + 365 * 24 * 3600 * 1000)),
    ),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension('2.5.29.19', true, sequence()),
        extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)),
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
        extension('2.5.29.17', false, san),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, sequence(oid(ECDSA_WITH_SHA256)), bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const check = new X509Certificate(certPem);
  if (!check.verify(publicKey)) throw new Error('self-signed certificate does not verify');
  return { certPem, keyPem };
}
