/**
 * Processes of the bench: the Palisade under test (bench-server.ts, forked
 * with IPC, from this checkout or another one) and the harness scripts.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackServerEnv } from '../support/ports.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface Ready {
  ports: Record<string, number>;
  httpsPort: number;
  realm: string;
  pid: number;
}

export interface BenchServer {
  readonly child: ChildProcess;
  readonly ready: Ready;
  readonly dataDir: string;
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/**
 * A fresh Palisade in `work/name` seeded with `users` users from `first`;
 * `env` adds or overrides settings; `root` is the checkout to run (default
 * this one: another one measures a baseline in the same run).
 */
export async function startServer(opts: {
  readonly work: string;
  readonly name: string;
  readonly first: number;
  readonly users: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly root?: string;
}): Promise<BenchServer> {
  const dataDir = join(opts.work, opts.name);
  mkdirSync(dataDir);
  const env = {
    ...process.env,
    ...(await loopbackServerEnv(dataDir, '127.0.0.1')),
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_SIP_MAX_CONNECTIONS_PER_SOURCE: '10000',
    PALISADE_MEDIA_RTP_PORT_MIN: '30000',
    PALISADE_MEDIA_RTP_PORT_MAX: '39999',
    PALISADE_MEDIA_BIND_ADDRESS: '127.0.0.1',
    // SIPp's digest-uri names the server, not the Request-URI
    PALISADE_CALLS_DIGEST_URI: 'or-server',
    // The load generators are ours, on loopback: a trusted network, so the
    // flood rules (> 16 requests in 2 s per source) do not ban them, as the
    // peer runs without pike. Per-user auth-failure rules still apply.
    PALISADE_IDS_TRUSTED_NETWORKS: '127.0.0.0/8',
    // the 250 WSS clients of the hold phase share one address
    PALISADE_IDS_HTTP_MAX_CONNECTIONS_PER_SOURCE: '10000',
    // The global overload cap (503 beyond it, default 2000 requests/s) would
    // cap the rate search at 1000 registrations/s; the peer has none.
    PALISADE_IDS_SIP_MAX_REQUESTS_PER_SECOND: '1000000',
    BENCH_FIRST_USER: String(opts.first),
    BENCH_USERS: String(opts.users),
    ...opts.env,
  };
  const started = Date.now();
  // BENCH_PROFILE_DIR: a V8 CPU profile per thread (main and relay workers), written at stop
  const profile = process.env['BENCH_PROFILE_DIR'];
  const child = fork(join(opts.root ?? ROOT, 'tests/bench/bench-server.ts'), [], {
    env,
    execArgv: [
      ...process.execArgv,
      ...(profile ? ['--cpu-prof', '--cpu-prof-dir', join(profile, opts.name)] : []),
    ],
    cwd: dataDir,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('bench server did not start in 5 minutes')),
      300_000,
    );
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (m: { type: string } & Ready) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
  log(
    `${opts.name}: Palisade pid ${ready.pid} up with ${opts.users} users in ${((Date.now() - started) / 1000).toFixed(1)} s, SIP UDP/TCP ${ready.ports['UDP']}, TLS ${ready.ports['TLS']}`,
  );
  return { child, ready, dataDir };
}

export function ask<T>(child: ChildProcess, type: string, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }): void => {
      if (m.type === reply) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    child.send({ type });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  maxMs: number,
  quiet = false,
): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'pipe' : 'inherit'],
    });
    // a quiet run still says why it failed: the end of its stderr
    let tail = '';
    child.stderr?.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-1500)));
    const timer = setTimeout(() => child.kill('SIGTERM'), maxMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (quiet && code !== 0 && tail) log(`${command} exited with ${code}: …${tail.trim()}`);
      resolve(code);
    });
  });
}
