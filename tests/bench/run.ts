/**
 * `npm run bench`: the registrar beside Kamailio on the same machine, in
 * the same run, with the shared harness (../shared/bench, README there).
 *
 *   reg   1. Palisade (its own process, users 1000..5999, secret pw<user>,
 *            MD5 only because SIPp answers only the first challenge) under
 *            `run-target.sh reg`: the highest REGISTER+digest rate with
 *            < 1 % failures;
 *         2. Kamailio under `run-peer.sh reg` with the same rates;
 *         3. 5,000 users held: a fresh Palisade, users registered over a
 *            UDP/TCP/TLS/WSS mix and refreshed for BENCH_HOLD_SECS; RSS and
 *            event-loop delay p99 over the refresh window.
 *
 *   calls / rtp (issue 4): call-phases.ts: the harness's call setup rate
 *         and concurrent relayed G.711 calls against Palisade with the
 *         built-in engine (plain RTP; SDES-SRTP on the callee leg) and with
 *         rtpengine, then Kamailio + rtpengine with the same loads, side by
 *         side.
 *
 *   `reg` runs both registration phases; `reg-rate` and `reg-hold` run one.
 *
 * Figures are printed, never asserted. Env: BENCH_DIR (the shared harness,
 * default ../shared/bench beside the repository or /work/shared/bench),
 * BENCH_REPEATS (1), BENCH_REG_RATES, BENCH_HOLD_SECS (60), BENCH_SKIP_PEER=1,
 * BENCH_KEEP=1 (keep the raw results), and any harness variable (e.g.
 * QUIET_WAIT_S=5 on a busy host).
 * BENCH_CALL_RATES, BENCH_CALL_SECS (10), BENCH_RTP_CALLS, BENCH_RTP_PLATEAU_S (20),
 * BENCH_RTP_MAX_LOSS_PCT (0.1), BENCH_VARIANTS (builtin builtin-srtp rtpengine),
 * BENCH_BEFORE_ROOT (for `<variant>@before`).
 * BENCH_PROFILE_DIR=DIR starts each Palisade with `node --cpu-prof` writing
 * a profile per thread to DIR/<name> (read the top frames to see where the time goes).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeSipPort } from '../support/ports.ts';
import {
  ROOT,
  ask,
  log,
  run,
  startServer as startBenchServer,
  stopServer,
} from './bench-process.ts';
import { callPhases } from './call-phases.ts';
import { heldClient, type HeldClient } from './stream-client.ts';

const phases = process.argv.slice(2);
const PHASES = phases.length > 0 ? phases : ['reg'];
const BENCH_DIR =
  process.env['BENCH_DIR'] ??
  [join(ROOT, '..', 'shared', 'bench'), '/work/shared/bench'].find((d) =>
    existsSync(join(d, 'run-target.sh')),
  ) ??
  '';
const REPEATS = process.env['BENCH_REPEATS'] ?? '1';
const REG_RATES =
  process.env['BENCH_REG_RATES'] ?? '1000 2000 3000 4000 5000 6000 8000 10000 15000 20000';
const HOLD_SECS = Number(process.env['BENCH_HOLD_SECS'] ?? 60);
const FIRST = 1000;
const USERS = 5000;
const work = mkdtempSync(join(tmpdir(), 'palisade-bench-'));

interface Stats {
  rssBytes: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  bindings: number;
  connections: number;
}

function startServer(name: string): ReturnType<typeof startBenchServer> {
  return startBenchServer({ work, name, first: FIRST, users: USERS });
}

function median(summaryFile: string): { rate: string; detail: string } {
  const text = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '';
  const rate = /-> median (\d+) reg\/s/.exec(text)?.[1] ?? 'n/a';
  const detail = /reg: at \d+\/s: (.*)/.exec(text)?.[1] ?? '';
  return { rate, detail };
}

function pick(detail: string, key: string): string {
  return new RegExp(`(?:^| )${key}=(\\S+)`).exec(detail)?.[1] ?? '-';
}

async function regRate(): Promise<{
  palisade: ReturnType<typeof median>;
  kamailio: ReturnType<typeof median> | null;
}> {
  const harnessEnv = {
    ...process.env,
    BENCH_WORK: join(work, 'harness'),
    REPEATS,
    REG_RATES,
    REG_MIN_SECS: '10',
    DOMAIN: '127.0.0.1',
  };
  const { child, ready } = await startServer('reg');
  const palisadeOut = join(work, 'results-palisade');
  try {
    log(`run-target.sh reg against Palisade (rates: ${REG_RATES}; repeats: ${REPEATS})`);
    await run(
      join(BENCH_DIR, 'run-target.sh'),
      ['reg'],
      {
        ...harnessEnv,
        TARGET: `127.0.0.1:${ready.ports['UDP']}`,
        SERVER_PIDS: `palisade=${ready.pid}`,
        LABEL: 'palisade',
        OUT: palisadeOut,
      },
      30 * 60_000,
    );
  } finally {
    await stopServer(child);
  }
  let kamailio = null;
  if (process.env['BENCH_SKIP_PEER'] !== '1') {
    const peerOut = join(work, 'results-kamailio');
    log('run-peer.sh reg (Kamailio, same rates)');
    await run(
      join(BENCH_DIR, 'run-peer.sh'),
      ['reg'],
      { ...harnessEnv, OUT: peerOut },
      30 * 60_000,
    );
    kamailio = median(join(peerOut, 'summary.txt'));
  }
  return { palisade: median(join(palisadeOut, 'summary.txt')), kamailio };
}

function usersCsv(name: string, from: number, count: number): string {
  const file = join(work, name);
  const rows = Array.from(
    { length: count },
    (_, i) => `${from + i};[authentication username=${from + i} password=pw${from + i}]`,
  );
  writeFileSync(file, `SEQUENTIAL\n${rows.join('\n')}\n`);
  return file;
}

async function sipp(
  transport: 'u1' | 't1',
  target: number,
  csv: string,
  count: number,
  rate: number,
  contactPort: number,
): Promise<number | null> {
  const local = await freeSipPort();
  return run(
    'sipp',
    [
      '-sf',
      join(ROOT, 'tests/fixtures/sipp/reg_uac.xml'),
      '-inf',
      csv,
      '-t',
      transport,
      '-i',
      '127.0.0.1',
      '-p',
      String(local),
      '-m',
      String(count),
      '-r',
      String(rate),
      '-l',
      '2000',
      '-key',
      'dom',
      '127.0.0.1',
      '-key',
      'ct_host',
      '127.0.0.1',
      '-key',
      'ct_port',
      String(contactPort),
      '-key',
      'expires',
      '600',
      '-timeout',
      String(HOLD_SECS + 120),
      '-timeout_error',
      '-nostdin',
      `127.0.0.1:${target}`,
    ],
    { ...process.env },
    (HOLD_SECS + 180) * 1000,
    true,
  );
}

async function hold(): Promise<{ stats: Stats; mix: string; ok: boolean }> {
  const { child, ready, dataDir } = await startServer('hold');
  const ca = readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8');
  const udpUsers = 3000;
  const tcpUsers = 1500;
  const tlsUsers = 250;
  const wssUsers = 250;
  const clients: HeldClient[] = [];
  try {
    const udpCsv = usersCsv('hold-udp.csv', FIRST, udpUsers);
    const tcpCsv = usersCsv('hold-tcp.csv', FIRST + udpUsers, tcpUsers);
    const port = ready.ports['UDP']!;
    log(
      `hold: registering ${udpUsers} UDP + ${tcpUsers} TCP (SIPp), ${tlsUsers} TLS + ${wssUsers} WSS (one connection each)`,
    );
    const streamStart = FIRST + udpUsers + tcpUsers;
    for (let i = 0; i < tlsUsers + wssUsers; i++) {
      const kind = i < tlsUsers ? 'TLS' : 'WSS';
      clients.push(
        await heldClient({
          kind,
          user: String(streamStart + i),
          realm: ready.realm,
          port: kind === 'TLS' ? ready.ports['TLS']! : ready.httpsPort,
          ca,
        }),
      );
    }
    const first = await Promise.all([
      sipp('u1', port, udpCsv, udpUsers, 500, 25997),
      sipp('t1', port, tcpCsv, tcpUsers, 500, 25998),
      Promise.all(clients.map((c) => c.register())),
    ]);
    const initialOk = first[0] === 0 && first[1] === 0 && first[2].every((s) => s === 200);
    const registered = await ask<Stats>(child, 'stats', 'stats');
    log(
      `hold: ${registered.bindings} bindings after the initial registration (sipp exit ${first[0]}/${first[1]})`,
    );
    await ask(child, 'reset', 'reset-done');
    log(`hold: refreshing every user once over ${HOLD_SECS} s`);
    const spread = (HOLD_SECS * 1000) / clients.length;
    const refresh = await Promise.all([
      sipp('u1', port, udpCsv, udpUsers, Math.max(1, Math.round(udpUsers / HOLD_SECS)), 25997),
      sipp('t1', port, tcpCsv, tcpUsers, Math.max(1, Math.round(tcpUsers / HOLD_SECS)), 25998),
      Promise.all(
        clients.map(async (c, i) => {
          await new Promise((r) => setTimeout(r, i * spread));
          return c.register();
        }),
      ),
    ]);
    const ok =
      initialOk && refresh[0] === 0 && refresh[1] === 0 && refresh[2].every((s) => s === 200);
    const stats = await ask<Stats>(child, 'stats', 'stats');
    return {
      stats,
      ok,
      mix: `${udpUsers} UDP / ${tcpUsers} TCP / ${tlsUsers} TLS / ${wssUsers} WSS`,
    };
  } finally {
    for (const c of clients) c.close();
    await stopServer(child);
  }
}

try {
  if (!BENCH_DIR) throw new Error('shared bench harness not found: set BENCH_DIR');
  const lines: string[] = [];
  if (PHASES.includes('reg') || PHASES.includes('reg-rate')) {
    const r = await regRate();
    const k = r.kamailio;
    const row = (name: string, m: { rate: string; detail: string } | null): string =>
      m === null
        ? `| ${name} | skipped | | | |`
        : `| ${name} | ${m.rate} | ${pick(m.detail, 'reg_p50_ms')} / ${pick(m.detail, 'reg_p99_ms')} | ${pick(m.detail, 'failed')} | ${pick(m.detail, 'retrans')} |`;
    lines.push(
      '',
      `REGISTER + digest (SIPp reg_uac.xml, 5000 users, < 1 % failed; repeats ${REPEATS}; rates ${REG_RATES})`,
      '| server | reg/s (median of max passing) | RTD1 p50 / p99 ms | failed | retrans |',
      '|---|---|---|---|---|',
      row('Palisade', r.palisade),
      row('Kamailio 5.6 (4 UDP workers, MD5, no qop, usrloc in memory)', k),
    );
    if (k && r.palisade.rate !== 'n/a' && k.rate !== 'n/a')
      lines.push(`Palisade / Kamailio: ${(Number(r.palisade.rate) / Number(k.rate)).toFixed(2)}`);
    lines.push(`raw: ${work}/results-*/summary.txt`);
  }
  if (PHASES.includes('reg') || PHASES.includes('reg-hold')) {
    const h = await hold();
    lines.push(
      '',
      `5,000 users held (${h.mix}), each refreshed once over ${HOLD_SECS} s${h.ok ? '' : ' (SOME REGISTRATIONS FAILED)'}:`,
      `  bindings ${h.stats.bindings}, connections ${h.stats.connections}, RSS ${(h.stats.rssBytes / 1048576).toFixed(0)} MiB, event-loop delay p50 ${h.stats.lagP50Ms.toFixed(2)} ms, p99 ${h.stats.lagP99Ms.toFixed(2)} ms, max ${h.stats.lagMaxMs.toFixed(2)} ms`,
    );
  }
  const callWork = PHASES.filter((p) => p === 'calls' || p === 'rtp');
  if (callWork.length > 0)
    lines.push(
      ...(await callPhases({
        which: callWork,
        work,
        benchDir: BENCH_DIR,
        repeats: REPEATS,
        first: FIRST,
        users: USERS,
      })),
    );
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  if (process.env['BENCH_KEEP'] !== '1')
    rmSync(join(work, 'reg'), { recursive: true, force: true });
}
