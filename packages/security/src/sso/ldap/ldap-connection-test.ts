/**
 * "Test connection": walks the steps an LDAP login takes and says in plain
 * words which one failed: name lookup, TCP, TLS certificate, bind, search base.
 */
import { lookup } from 'node:dns/promises';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Client, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';
import type { LdapProviderConfig } from '../sso-provider.ts';
import { assertSecureTransport, tlsOptionsFor } from './ldap-directory.ts';

export type ConnectionStep = 'dns' | 'tcp' | 'tls' | 'bind' | 'search-base';

export interface ConnectionCheck {
  readonly step: ConnectionStep;
  readonly ok: boolean;
  readonly message: string;
}

export interface ConnectionReport {
  readonly ok: boolean;
  readonly checks: readonly ConnectionCheck[];
}

function code(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

function tlsWords(err: unknown): string {
  const c = code(err);
  if (
    c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    c === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    c === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    c === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  )
    return 'the server certificate is not signed by the configured CA (set the CA certificate)';
  if (c === 'CERT_HAS_EXPIRED') return 'the server certificate has expired';
  if (c === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'the server certificate is not valid for this host name';
  return `TLS failed (${c || 'handshake error'})`;
}

function withTimeout<T>(
  ms: number,
  work: (done: (v: T) => void, fail: (e: unknown) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup = (): void => undefined;
    const timer = setTimeout(() => {
      cleanup();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, ms);
    cleanup = work(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export async function testLdapConnection(
  config: LdapProviderConfig,
  bindPassword: string,
): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  const done = (step: ConnectionStep, ok: boolean, message: string): ConnectionReport => {
    checks.push({ step, ok, message });
    return { ok, checks };
  };
  try {
    assertSecureTransport(config);
  } catch {
    return done('tls', false, 'the URL must be ldaps://, or ldap:// with StartTLS turned on');
  }
  const url = new URL(config.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'ldaps:' ? 636 : 389));
  let address: string;
  try {
    address = (await lookup(host)).address;
    done('dns', true, `${host} is ${address}`);
  } catch {
    return done('dns', false, `the name ${host} could not be resolved (DNS)`);
  }
  try {
    await withTimeout<void>(config.timeoutMs, (ok, fail) => {
      const s = tcpConnect({ host: address, port }, () => {
        s.destroy();
        ok();
      });
      s.on('error', fail);
      return () => s.destroy();
    });
    done('tcp', true, `port ${port} answers`);
  } catch (err) {
    const why =
      code(err) === 'ECONNREFUSED'
        ? 'refused the connection'
        : code(err) === 'ETIMEDOUT'
          ? 'did not answer in time (firewall?)'
          : `failed (${code(err) || 'network error'})`;
    return done('tcp', false, `TCP to ${host}:${port} ${why}`);
  }
  const tlsOptions = tlsOptionsFor(config, null);
  if (url.protocol === 'ldaps:') {
    try {
      await withTimeout<void>(config.timeoutMs, (ok, fail) => {
        const s = tlsConnect({ ...tlsOptions, host: address, port }, () => {
          s.destroy();
          ok();
        });
        s.on('error', fail);
        return () => s.destroy();
      });
    } catch (err) {
      return done('tls', false, tlsWords(err));
    }
  }
  const client = new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    ...(url.protocol === 'ldaps:' ? { tlsOptions } : {}),
  });
  try {
    if (url.protocol === 'ldap:') {
      try {
        await client.startTLS(tlsOptions);
      } catch (err) {
        return done('tls', false, code(err) ? tlsWords(err) : 'the server refused StartTLS');
      }
    }
    done(
      'tls',
      true,
      config.allowAnyCertificate
        ? 'TLS is up but the certificate was NOT checked ("accept any certificate" is on)'
        : 'TLS is up and the certificate is trusted',
    );
    if (bindPassword.length === 0)
      return done('bind', false, 'the service account has no password');
    try {
      await client.bind(config.bindDn, bindPassword);
      done('bind', true, `bound as ${config.bindDn}`);
    } catch (err) {
      return done(
        'bind',
        false,
        err instanceof InvalidCredentialsError
          ? 'the service account DN or password is wrong'
          : 'the server refused the bind',
      );
    }
    try {
      await client.search(config.baseDn, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['dn'],
        sizeLimit: 1,
      });
      return done('search-base', true, `the search base ${config.baseDn} exists`);
    } catch (err) {
      return done(
        'search-base',
        false,
        err instanceof NoSuchObjectError
          ? `the search base ${config.baseDn} does not exist`
          : 'the search base could not be read with this account',
      );
    }
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
