/**
 * The server under benchmark, in its own process (started by run.ts with
 * IPC): a real Palisade from the environment's settings, seeded through a
 * bench-only path with users 1000..5999 whose devices have the secret
 * `pw<user>` (HA1 written straight to the store: the product never lets a
 * secret be chosen), and an event-loop delay histogram read over IPC.
 * BENCH_PHONE_SRTP=always sets `calls.phoneSrtp` (the callee leg of a plain
 * caller is offered SDES-SRTP) as an administrator would.
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { nullLogger } from '@palisade/common';
import type { LogFields, Logger } from '@palisade/common';
import { BuiltinMediaEngine } from '@palisade/media';
import { CLI_ACTOR } from '@palisade/pbx';
import { computeHa1 } from '@palisade/security';
import { loadConfig, startPalisade } from '@palisade/server';

const FIRST = Number(process.env['BENCH_FIRST_USER'] ?? 1000);
const COUNT = Number(process.env['BENCH_USERS'] ?? 5000);

const { config } = loadConfig({ cwd: process.cwd(), env: process.env });
// BENCH_LOG=1: warnings and errors to stderr (what went wrong under load), nothing else
const stderrLogger = (bindings: LogFields): Logger => {
  const write =
    (level: string) =>
    (msg: string, fields?: LogFields): void => {
      process.stderr.write(
        `[palisade ${level}] ${msg} ${JSON.stringify({ ...bindings, ...fields }, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}\n`,
      );
    };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: write('warn'),
    error: write('error'),
    child: (more) => stderrLogger({ ...bindings, ...more }),
  };
};
const server = await startPalisade({
  config,
  logger: process.env['BENCH_LOG'] === '1' ? stderrLogger({}) : nullLogger,
  events: { emit: () => undefined },
  announce: () => undefined,
});
const domain = server.domain;
const tenant = domain.defaultTenant;
const realm = tenant.sipDomain;

// bench-only seeding: one transaction, HA1 computed from the chosen secret
await domain.store.transaction(async (tx) => {
  // members of the default "Users" group, as the user service makes them (call:internal for the call phases)
  const users = await tx.groups.findByName(tenant.id, 'Users');
  for (let i = 0; i < COUNT; i++) {
    const ext = String(FIRST + i);
    if (await tx.devices.findBySipUsername(tenant.id, ext)) continue;
    const user = await tx.users.create({
      tenantId: tenant.id,
      username: `bench${ext}`,
      extension: ext,
      displayName: `Bench ${ext}`,
    });
    if (users) await tx.groups.addMember(users.id, user.id);
    await tx.devices.create({
      tenantId: tenant.id,
      userId: user.id,
      sipUsername: ext,
      label: `bench ${randomUUID().slice(0, 8)}`,
      ha1Md5: computeHa1('MD5', ext, realm, `pw${ext}`),
      ha1Sha256: computeHa1('SHA-256', ext, realm, `pw${ext}`),
    });
  }
});

if (process.env['BENCH_PHONE_SRTP'] === 'always')
  await domain.callSettings.set(CLI_ACTOR, tenant.id, { phoneSrtp: 'always' });

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'reset') {
    lag.reset();
    process.send?.({ type: 'reset-done' });
  } else if (msg.type === 'stats') {
    process.send?.({
      type: 'stats',
      rssBytes: process.memoryUsage().rss,
      lagP50Ms: lag.percentile(50) / 1e6,
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      bindings: server.sip.location.size,
      connections: server.sip.transport.connectionCount,
      activeCalls: server.sip.b2bua.activeCalls,
      ...(server.sip.media instanceof BuiltinMediaEngine
        ? {
            mediaSessions: server.sip.media.sessionCount,
            freePortPairs: server.sip.media.freePortPairs,
          }
        : {}),
    });
  } else if (msg.type === 'stop') {
    lag.disable();
    void server.stop().then(() => process.exit(0));
  }
});

const ports = Object.fromEntries(server.sip.listeners.map((l) => [l.transport, l.port]));
process.send?.({ type: 'ready', ports, httpsPort: server.httpsPort, realm, pid: process.pid });
