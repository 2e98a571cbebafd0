/**
 * Holds the server certificate and key every TLS listener uses, and reloads
 * them when the files change (PRODUCT §A1, §H1: renewal without restart).
 * Listeners subscribe and call `setSecureContext` with the new pair.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  watchFile,
  unwatchFile,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PalisadeError, type Logger } from '@palisade/common';
import { createSelfSignedCertificate, type PemPair } from './self-signed.ts';

export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly fingerprint256: string;
  readonly selfSigned: boolean;
}

export class CertificateStore {
  readonly certFile: string;
  readonly keyFile: string;
  #current: PemPair;
  #listeners = new Set<(pair: PemPair) => void>();
  #logger: Logger;
  #watching = false;

  private constructor(certFile: string, keyFile: string, pair: PemPair, logger: Logger) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.#current = pair;
    this.#logger = logger;
  }

  /**
   * Uses the configured files, or `<dataDir>/tls/server.{crt,key}`, making a
   * self-signed pair there first when they do not exist yet.
   */
  static async open(opts: {
    dataDir: string;
    certFile: string | null;
    keyFile: string | null;
    names: readonly string[];
    logger: Logger;
  }): Promise<CertificateStore> {
    let certFile = opts.certFile;
    let keyFile = opts.keyFile;
    if (certFile === null || keyFile === null) {
      const dir = join(opts.dataDir, 'tls');
      certFile = join(dir, 'server.crt');
      keyFile = join(dir, 'server.key');
      if (!existsSync(certFile) || !existsSync(keyFile)) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const pair = createSelfSignedCertificate(opts.names);
        writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
        chmodSync(keyFile, 0o600);
        writeFileSync(certFile, pair.certPem, { mode: 0o644 });
        opts.logger.info('created a self-signed TLS certificate', { certFile, names: opts.names });
      }
    }
    return new CertificateStore(
      certFile,
      keyFile,
      CertificateStore.#read(certFile, keyFile),
      opts.logger,
    );
  }

  static #read(certFile: string, keyFile: string): PemPair {
    let certPem: string;
    let keyPem: string;
    try {
      certPem = readFileSync(certFile, 'utf8');
      keyPem = readFileSync(keyFile, 'utf8');
    } catch (err) {
      throw new PalisadeError(
        'config_invalid',
        `cannot read the TLS certificate or key: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        { cause: err },
      );
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certPem);
      const key = createPrivateKey(keyPem);
      if (!cert.checkPrivateKey(key)) throw new Error('key does not match');
    } catch (err) {
      throw new PalisadeError(
        'config_invalid',
        `the TLS certificate in ${certFile} and key in ${keyFile} are not a valid matching pair`,
        { cause: err },
      );
    }
    return { certPem, keyPem };
  }

  get current(): PemPair {
    return this.#current;
  }

  info(): CertificateInfo {
    const cert = new X509Certificate(this.#current.certPem);
    return {
      subject: cert.subject,
      issuer: cert.issuer,
      validFrom: new Date(cert.validFrom).toISOString(),
      validTo: new Date(cert.validTo).toISOString(),
      fingerprint256: cert.fingerprint256,
      selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
    };
  }

  onChange(listener: (pair: PemPair) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the files; a broken pair is refused and the old one stays in use. */
  reload(): boolean {
    let next: PemPair;
    try {
      next = CertificateStore.#read(this.certFile, this.keyFile);
    } catch (err) {
      this.#logger.error('TLS certificate reload refused; keeping the current one', {
        reason: (err as Error).message,
      });
      return false;
    }
    if (next.certPem === this.#current.certPem && next.keyPem === this.#current.keyPem)
      return false;
    this.#current = next;
    this.#logger.info('TLS certificate reloaded', { fingerprint256: this.info().fingerprint256 });
    for (const l of this.#listeners) l(next);
    return true;
  }

  /** Polls the files (cheap stat calls) so renewals by any tool are picked up. */
  watch(intervalMs = 5_000): void {
    if (this.#watching) return;
    this.#watching = true;
    const onChange = (): void => void this.reload();
    watchFile(this.certFile, { interval: intervalMs, persistent: false }, onChange);
    watchFile(this.keyFile, { interval: intervalMs, persistent: false }, onChange);
  }

  close(): void {
    if (!this.#watching) return;
    this.#watching = false;
    unwatchFile(this.certFile);
    unwatchFile(this.keyFile);
  }
}
