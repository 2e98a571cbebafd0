/**
 * The admin commands (PRODUCT §H7). Each opens the store through the same
 * domain services the API uses, acts as the `cli` actor (audited), and
 * closes everything before returning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { PalisadeError, type Logger } from '@palisade/common';
import { CLI_ACTOR, userView, type Tenant } from '@palisade/pbx';
import { renderConfigReference } from '../config/reference.ts';
import { prepareDataDir } from '../data-dir.ts';
import { openDomain, type Domain } from '../domain.ts';
import { publicBaseUrl } from '../palisade-server.ts';
import { createSecurityEvents } from '../security-events.ts';
import { loadCliConfig, UsageError, type CliIo, type GlobalFlags } from './cli-context.ts';

export type Flags = GlobalFlags & Readonly<Record<string, string | boolean | undefined>>;

function need(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}
const opt = (flags: Flags, name: string): string | undefined =>
  typeof flags[name] === 'string' ? flags[name] : undefined;

async function withDomain<T>(
  flags: GlobalFlags,
  logger: Logger,
  work: (domain: Domain) => Promise<T>,
): Promise<T> {
  const { config } = loadCliConfig(flags);
  const dataDir = prepareDataDir(config.data.dir);
  const events = createSecurityEvents(config, dataDir, logger, 'cli');
  try {
    const domain = await openDomain(config, dataDir, logger, events);
    try {
      return await work(domain);
    } finally {
      await domain.close();
    }
  } finally {
    await events.close();
  }
}

async function tenantOf(domain: Domain, name: string | undefined): Promise<Tenant> {
  if (name === undefined) return domain.defaultTenant;
  const t =
    (await domain.store.tenants.findByName(name)) ??
    (await domain.store.tenants.findBySipDomain(name.toLowerCase()));
  if (!t) throw new PalisadeError('not_found', `no tenant named ${name}`);
  return t;
}

async function userOf(domain: Domain, tenant: Tenant, ref: string) {
  const user =
    (await domain.store.users.findByUsername(tenant.id, ref.toLowerCase())) ??
    (await domain.store.users.findById(ref));
  if (!user || user.tenantId !== tenant.id)
    throw new PalisadeError('not_found', `no user ${ref} in tenant ${tenant.name}`);
  return user;
}

export async function configCheck(flags: Flags, io: CliIo): Promise<number> {
  const { file } = loadCliConfig(flags);
  io.out(
    `configuration valid${file ? ` (${file})` : ' (defaults and environment; no palisade.yaml)'}`,
  );
  return 0;
}

export function configReference(_flags: Flags, io: CliIo): number {
  io.out(renderConfigReference());
  return 0;
}

export async function dbMigrate(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  await withDomain(flags, logger, async (d) => {
    const report = await d.store.migrate();
    io.out(
      `database ${d.store.dialect} up to date${JSON.stringify(report) === '{}' ? '' : `: ${JSON.stringify(report)}`}`,
    );
  });
  return 0;
}

export async function userAdd(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  return withDomain(flags, logger, async (d) => {
    const tenant = await tenantOf(d, opt(flags, 'tenant'));
    const user = await d.users.create(CLI_ACTOR, {
      tenantId: tenant.id,
      username: need(flags, 'username'),
      extension: need(flags, 'extension'),
      displayName: need(flags, 'name'),
      email: opt(flags, 'email') ?? null,
      mobile: opt(flags, 'mobile') ?? null,
    });
    io.out(`created user ${user.username} (extension ${user.extension}, id ${user.id})`);
    return 0;
  });
}

export async function userList(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  return withDomain(flags, logger, async (d) => {
    const tenant = await tenantOf(d, opt(flags, 'tenant'));
    const users = await d.users.list(CLI_ACTOR, tenant.id, { limit: 1000 });
    io.out(['USERNAME', 'EXTENSION', 'STATE', 'NAME', 'ID'].join('\t'));
    for (const u of users.map(userView))
      io.out(
        [
          u.username,
          u.extension,
          u.state + (u.isSuperAdmin ? ',super-admin' : ''),
          u.displayName,
          u.id,
        ].join('\t'),
      );
    return 0;
  });
}

export async function userRemove(
  flags: Flags,
  args: readonly string[],
  io: CliIo,
  logger: Logger,
): Promise<number> {
  const ref = args[0];
  if (!ref) throw new UsageError('user remove needs a username or id');
  return withDomain(flags, logger, async (d) => {
    const user = await userOf(d, await tenantOf(d, opt(flags, 'tenant')), ref);
    await d.users.delete(CLI_ACTOR, user.id);
    io.out(`removed user ${user.username} and their devices`);
    return 0;
  });
}

export async function deviceAdd(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  return withDomain(flags, logger, async (d) => {
    const user = await userOf(d, await tenantOf(d, opt(flags, 'tenant')), need(flags, 'user'));
    const sipUsername = opt(flags, 'sip-username');
    const label = opt(flags, 'label');
    const creds = await d.devices.add(CLI_ACTOR, {
      userId: user.id,
      ...(sipUsername ? { sipUsername } : {}),
      ...(label ? { label } : {}),
    });
    io.out(`device ${creds.device.id} for ${user.username}`);
    io.out(`  SIP username: ${creds.sipUsername}`);
    io.out(`  SIP password: ${creds.secret}`);
    io.out(`  SIP domain:   ${creds.domain}`);
    io.out(
      'The password is shown this once; only its digest hashes are stored. Rotate it to get a new one.',
    );
    return 0;
  });
}

export async function tokenCreate(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  return withDomain(flags, logger, async (d) => {
    const tenant = await tenantOf(d, opt(flags, 'tenant'));
    const days = opt(flags, 'expires-days');
    if (days !== undefined && !/^\d{1,4}$/.test(days))
      throw new UsageError('--expires-days takes a whole number of days');
    const issued = await d.tokens.issue({
      tenantId: tenant.id,
      name: need(flags, 'name'),
      scopes: need(flags, 'scopes')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      by: CLI_ACTOR,
      granterPermissions: null,
      ...(days !== undefined ? { expiresInDays: Number(days) } : {}),
    });
    io.out(issued.token);
    io.err(`token ${issued.record.id} (${issued.record.scopes.join(', ')}) — shown this once`);
    return 0;
  });
}

export async function tokenRevoke(
  flags: Flags,
  args: readonly string[],
  io: CliIo,
  logger: Logger,
): Promise<number> {
  const id = args[0];
  if (!id) throw new UsageError('token revoke needs the token id');
  return withDomain(flags, logger, async (d) => {
    const t = await d.tokens.revoke(id, null, CLI_ACTOR);
    io.out(`revoked token ${t.id} (${t.name})`);
    return 0;
  });
}

export async function adminSetup(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  const { config } = loadCliConfig(flags);
  return withDomain(flags, logger, async (d) => {
    if (!(await d.setup.needed())) {
      io.err('a super-admin exists already: setup links are for the first start only');
      return 1;
    }
    const link = await d.setup.createLink(publicBaseUrl(config, config.http.port), CLI_ACTOR.id);
    io.out(link.url);
    io.err(
      `single use, valid until ${new Date(link.expiresAt).toISOString()}; earlier links no longer work`,
    );
    return 0;
  });
}

/** Asks the local server's /readyz over HTTPS, trusting its own certificate. */
export async function status(flags: Flags, io: CliIo): Promise<number> {
  const { config } = loadCliConfig(flags);
  const dataDir = prepareDataDir(config.data.dir);
  const ca = readFileSync(config.tls.certFile ?? join(dataDir, 'tls', 'server.crt'));
  const host =
    config.http.bind[0] === '0.0.0.0' || config.http.bind[0] === '::'
      ? '127.0.0.1'
      : (config.http.bind[0] ?? '127.0.0.1');
  const result = await new Promise<{ status: number; body: string } | Error>((resolve) => {
    const req = request(
      {
        host,
        port: config.http.port,
        path: '/readyz',
        method: 'GET',
        ca,
        servername: 'localhost',
        checkServerIdentity: () => undefined,
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c.slice(0, 10_000)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve(e));
    req.end();
  });
  if (result instanceof Error) {
    io.out(`not running: https://${host}:${config.http.port} — ${result.message}`);
    return 3;
  }
  io.out(
    `${result.status === 200 ? 'ready' : 'not ready'}: https://${host}:${config.http.port} ${result.body}`,
  );
  return result.status === 200 ? 0 : 1;
}

export async function registrationsList(flags: Flags, io: CliIo, logger: Logger): Promise<number> {
  return withDomain(flags, logger, async (d) => {
    const tenant = await tenantOf(d, opt(flags, 'tenant'));
    const userRef = opt(flags, 'user');
    const user = userRef === undefined ? undefined : await userOf(d, tenant, userRef);
    const rows = await d.registrations.list(
      CLI_ACTOR,
      { tenantId: tenant.id, ...(user ? { userId: user.id } : {}) },
      { limit: 1000 },
    );
    const now = Date.now();
    io.out(['AOR', 'CONTACT', 'TRANSPORT', 'SOURCE', 'EXPIRES', 'USER-AGENT'].join('\t'));
    for (const r of rows)
      io.out(
        [
          r.aor,
          r.contact,
          r.transport,
          `${r.sourceAddress.includes(':') ? `[${r.sourceAddress}]` : r.sourceAddress}:${r.sourcePort}`,
          `${Math.max(0, Math.round((r.expiresAt - now) / 1000))}s`,
          r.userAgent,
        ].join('\t'),
      );
    return 0;
  });
}
