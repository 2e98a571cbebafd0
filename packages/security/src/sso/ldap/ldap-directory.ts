/**
 * One LDAP connection at a time, over LDAPS or StartTLS (RFC 4513 §3) with
 * the server certificate checked against the configured CA. Searches run as
 * the service account; a user is authenticated by a simple bind with their
 * own DN and password, never by comparing attributes.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { type Logger, PalisadeError } from '@palisade/common';
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import type { LdapProviderConfig } from '../sso-provider.ts';
import type { LdapPerson } from './ldap-entry.ts';
import { assertAttributeName, ldapEquals } from './ldap-filter-escape.ts';
import { UAC_ACCOUNT_DISABLED } from './ldap-presets.ts';
import { normaliseEmail, normalisePhone } from '../sso-profile.ts';

const MAX_PASSWORD = 1024;
const PAGE_SIZE = 500;
/** A sync refuses directories larger than this rather than running unbounded. */
export const MAX_SYNC_ENTRIES = 50_000;

export function tlsOptionsFor(
  config: LdapProviderConfig,
  logger: Logger | null,
): ConnectionOptions {
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  // SNI carries host names only (RFC 6066 §3); the certificate is still checked against an IP.
  // `host` also names what the certificate must match after StartTLS, where
  // the socket already exists and Node would otherwise check for "localhost".
  const sni = isIP(host) ? { host } : { host, servername: host };
  if (config.allowAnyCertificate) {
    logger?.warn(
      'LDAP: "accept any certificate" is ON: the directory server is NOT authenticated and the bind password can be stolen by anyone on the path',
      { url: config.url },
    );
    return { rejectUnauthorized: false, ...sni, minVersion: 'TLSv1.2' };
  }
  return {
    rejectUnauthorized: true,
    ...sni,
    minVersion: 'TLSv1.2',
    ...(config.caPem ? { ca: config.caPem } : {}),
  };
}

/** Refuses a configuration that would send passwords in clear. */
export function assertSecureTransport(config: LdapProviderConfig): void {
  const protocol = new URL(config.url).protocol;
  if (protocol === 'ldaps:') return;
  if (protocol === 'ldap:' && config.startTls) return;
  throw new PalisadeError('config_invalid', 'LDAP needs ldaps:// or ldap:// with StartTLS');
}

function first(entry: Entry, attribute: string | null): string | null {
  if (!attribute) return null;
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return null;
  return Buffer.isBuffer(one) ? one.toString('hex') : String(one);
}

function all(entry: Entry, attribute: string | null): string[] {
  if (!attribute) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

export class LdapDirectory {
  readonly #config: LdapProviderConfig;
  readonly #bindPassword: string;
  readonly #logger: Logger | null;

  constructor(config: LdapProviderConfig, bindPassword: string, logger: Logger | null = null) {
    assertSecureTransport(config);
    for (const a of Object.values(config.attributes) as (string | null)[])
      if (a) assertAttributeName(a);
    this.#config = config;
    this.#bindPassword = bindPassword;
    this.#logger = logger;
  }

  /** A client bound as the service account, after TLS is up. */
  async #connect(): Promise<Client> {
    const c = this.#config;
    const tlsOptions = tlsOptionsFor(c, this.#logger);
    const client = new Client({
      url: c.url,
      timeout: c.timeoutMs,
      connectTimeout: c.timeoutMs,
      ...(c.url.startsWith('ldaps:') ? { tlsOptions } : {}),
    });
    try {
      if (c.url.startsWith('ldap:')) await client.startTLS(tlsOptions);
      if (this.#bindPassword.length === 0)
        throw new PalisadeError('config_invalid', 'the service account has no password');
      await client.bind(c.bindDn, this.#bindPassword);
      return client;
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw err;
    }
  }

  #attributes(): string[] {
    const a = this.#config.attributes;
    return [
      a.username,
      a.alternateLogin,
      a.email,
      a.displayName,
      a.phone,
      a.memberOf,
      a.uniqueId,
      a.accountControl,
    ].filter((x): x is string => x !== null);
  }

  async #groupsOf(client: Client, entry: Entry): Promise<string[]> {
    const gs = this.#config.groupSearch;
    const direct = all(entry, this.#config.attributes.memberOf);
    if (!gs) return direct.map((g) => g.toLowerCase());
    const found = await client.search(gs.baseDn, {
      scope: 'sub',
      filter: `(&${ldapEquals('objectClass', gs.objectClass)}${ldapEquals(gs.memberAttribute, entry.dn)})`,
      attributes: ['dn'],
      sizeLimit: 1000,
    });
    return [...direct, ...found.searchEntries.map((g) => g.dn)].map((g) => g.toLowerCase());
  }

  async #person(client: Client, entry: Entry): Promise<LdapPerson> {
    const a = this.#config.attributes;
    const uac = Number(first(entry, a.accountControl) ?? '0');
    const username = first(entry, a.username) ?? '';
    return {
      dn: entry.dn,
      uniqueId: first(entry, a.uniqueId) ?? entry.dn.toLowerCase(),
      username,
      email: normaliseEmail(first(entry, a.email)),
      displayName: first(entry, a.displayName) ?? username,
      phone: normalisePhone(first(entry, a.phone)),
      groups: await this.#groupsOf(client, entry),
      disabled: Number.isFinite(uac) && (uac & UAC_ACCOUNT_DISABLED) !== 0,
    };
  }

  #userFilter(login: string): string {
    const a = this.#config.attributes;
    const match = a.alternateLogin
      ? `(|${ldapEquals(a.username, login)}${ldapEquals(a.alternateLogin, login)})`
      : ldapEquals(a.username, login);
    return `(&${this.#config.userFilter}${match})`;
  }

  /**
   * A filter for the entry whose stable id (the linked identity's subject)
   * is `uniqueId`. A binary id (objectGUID) is kept as hex and matched byte
   * for byte (RFC 4515 `\XX` escapes).
   */
  #uniqueIdFilter(uniqueId: string): string | null {
    const attribute = this.#config.attributes.uniqueId;
    assertAttributeName(attribute);
    if (attribute !== 'objectGUID') return ldapEquals(attribute, uniqueId);
    if (!/^(?:[0-9a-f]{2}){1,64}$/.test(uniqueId)) return null;
    return `(${attribute}=${uniqueId.replace(/../g, (b) => `\\${b}`)})`;
  }

  /**
   * The person whose login name is `login`, when `password` binds as them.
   * 'bad-credentials' for an unknown name, an ambiguous one, a wrong or
   * empty password.
   */
  authenticate(login: string, password: string): Promise<LdapAuthResult> {
    if (login.length === 0 || login.length > 256)
      return Promise.resolve({ ok: false, reason: 'bad-credentials' });
    return this.#authenticateWhere(this.#userFilter(login), password);
  }

  /**
   * The person whose stable id is `uniqueId` (a linked identity's subject),
   * when `password` binds as them: re-authentication, where the person is
   * known and only the password is asked.
   */
  authenticateById(uniqueId: string, password: string): Promise<LdapAuthResult> {
    const match = uniqueId.length <= 1024 ? this.#uniqueIdFilter(uniqueId) : null;
    if (match === null) return Promise.resolve({ ok: false, reason: 'bad-credentials' });
    return this.#authenticateWhere(`(&${this.#config.userFilter}${match})`, password);
  }

  async #authenticateWhere(filter: string, password: string): Promise<LdapAuthResult> {
    // RFC 4513 §5.1.2: a simple bind with a name and an empty password is an
    // "unauthenticated bind" that many servers accept: refuse before asking.
    if (password.length === 0 || password.length > MAX_PASSWORD)
      return { ok: false, reason: 'bad-credentials' };
    const client = await this.#connect();
    try {
      const found = await client.search(this.#config.baseDn, {
        scope: 'sub',
        filter,
        attributes: this.#attributes(),
        explicitBufferAttributes:
          this.#config.attributes.uniqueId === 'objectGUID' ? ['objectGUID'] : [],
        sizeLimit: 2,
      });
      const [entry, ...more] = found.searchEntries;
      if (!entry || more.length > 0) return { ok: false, reason: 'bad-credentials' };
      const person = await this.#person(client, entry);
      const userClient = new Client({
        url: this.#config.url,
        timeout: this.#config.timeoutMs,
        connectTimeout: this.#config.timeoutMs,
        ...(this.#config.url.startsWith('ldaps:')
          ? { tlsOptions: tlsOptionsFor(this.#config, null) }
          : {}),
      });
      try {
        if (this.#config.url.startsWith('ldap:'))
          await userClient.startTLS(tlsOptionsFor(this.#config, null));
        await userClient.bind(entry.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError)
          return { ok: false, reason: 'bad-credentials', person };
        throw err;
      } finally {
        await userClient.unbind().catch(() => undefined);
      }
      if (person.disabled) return { ok: false, reason: 'account-disabled', person };
      return { ok: true, person };
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** Every person under the base DN matching the user filter (paged). */
  async listPeople(): Promise<LdapPerson[]> {
    const client = await this.#connect();
    try {
      const found = await client.search(this.#config.baseDn, {
        scope: 'sub',
        filter: this.#config.userFilter,
        attributes: this.#attributes(),
        explicitBufferAttributes:
          this.#config.attributes.uniqueId === 'objectGUID' ? ['objectGUID'] : [],
        paged: { pageSize: PAGE_SIZE },
        sizeLimit: MAX_SYNC_ENTRIES,
      });
      const people: LdapPerson[] = [];
      for (const entry of found.searchEntries) {
        const p = await this.#person(client, entry);
        if (p.username.length > 0) people.push(p);
      }
      return people;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

export type LdapAuthResult =
  | { readonly ok: true; readonly person: LdapPerson }
  | {
      readonly ok: false;
      readonly reason: 'bad-credentials' | 'account-disabled';
      readonly person?: LdapPerson;
    };
