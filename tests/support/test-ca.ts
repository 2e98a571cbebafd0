/**
 * A throwaway certificate authority for TLS peers in tests, made with the
 * openssl CLI: a CA and one server certificate for 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  readonly caPem: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore', timeout: 30_000 });
}

/** Writes `<name>-ca.pem`, `<name>-server.pem` and `<name>-server.key` into `dir`. */
export function makeTestCa(dir: string, name: string): TestCa {
  const ca = join(dir, `${name}-ca`);
  const srv = join(dir, `${name}-server`);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=Palisade test CA ${name}`,
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${srv}.key`,
      '-out',
      `${srv}.csr`,
      '-subj',
      '/CN=127.0.0.1',
    ],
    dir,
  );
  writeFileSync(`${srv}.ext`, 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${srv}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${srv}.pem`,
      '-days',
      '2',
      '-extfile',
      `${srv}.ext`,
    ],
    dir,
  );
  return {
    caPem: readFileSync(`${ca}.pem`, 'utf8'),
    caFile: `${ca}.pem`,
    certFile: `${srv}.pem`,
    keyFile: `${srv}.key`,
  };
}
