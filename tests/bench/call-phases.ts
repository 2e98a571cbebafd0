/**
 * `npm run bench -- calls rtp` (issue 4): the shared harness's call phases
 * (run-target.sh calls / rtp: call setup rate; concurrent relayed G.711
 * calls, loss counted by nftables on the generator's media ports) against
 * a fresh Palisade per variant and phase, then Kamailio + rtpengine (run-peer.sh,
 * also fresh per phase) with the same loads, all summarised side by side.
 *
 *   builtin       the built-in engine, plain RTP both legs
 *   builtin-srtp  the built-in engine, the callee leg SDES-SRTP
 *                 (`calls.phoneSrtp` = always): the callee is
 *                 srtp-echo-uas.ts instead of sipp's -rtp_echo, which
 *                 decrypts and re-encrypts every packet with
 *                 @palisade/media's SRTP code (cross-checked against
 *                 baresip by tests/conformance/media/srtp-echo-uas.test.ts)
 *   rtpengine     media.engine = rtpengine: a userspace rtpengine of its own
 *                 (the peer's flags, strict endpoint learning), its CPU and
 *                 RSS counted with Palisade's
 *
 * A variant written `name@before` runs the same from the checkout in
 * BENCH_BEFORE_ROOT (a before/after comparison in one run).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianPeer } from '../support/debian.ts';
import { startRtpengine, type RunningRtpengine } from '../support/rtpengine.ts';
import { ROOT, log, run, startServer, stopServer } from './bench-process.ts';
import { summarise, type VariantResult } from './call-summary.ts';

export interface CallPhaseOptions {
  readonly which: readonly string[];
  readonly work: string;
  readonly benchDir: string;
  readonly repeats: string;
  readonly first: number;
  readonly users: number;
}

const CALL_RATES = process.env['BENCH_CALL_RATES'] ?? '50 100 200 300 400 600';
const CALL_SECS = process.env['BENCH_CALL_SECS'] ?? '10';
const RTP_CALLS = process.env['BENCH_RTP_CALLS'] ?? '100 300 600 1000';
const RTP_PLATEAU_S = process.env['BENCH_RTP_PLATEAU_S'] ?? '20';
const RTP_MAX_LOSS_PCT = process.env['BENCH_RTP_MAX_LOSS_PCT'] ?? '0.1';
const VARIANTS = (process.env['BENCH_VARIANTS'] ?? 'builtin builtin-srtp rtpengine')
  .split(/\s+/)
  .filter((v) => v !== '');
const HOUR = 60 * 60_000;

const TITLES: Record<string, string> = {
  builtin: 'Palisade, built-in engine',
  'builtin-srtp': 'Palisade, built-in, SRTP callee leg',
  rtpengine: 'Palisade + rtpengine',
};

function report(benchDir: string, dir: string): Promise<string> {
  return new Promise<string>((resolve) => {
    let out = '';
    const child = spawn(join(benchDir, 'report.sh'), [dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', () => resolve(out));
  });
}

function srtpSteps(dir: string): string[] {
  const file = join(dir, 'uas-rtp', 'uas.out');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('srtp-uas step '))
    .map((l) => l.slice('srtp-uas step '.length));
}

async function runVariant(
  variant: string,
  opts: CallPhaseOptions,
  harnessEnv: NodeJS.ProcessEnv,
): Promise<VariantResult> {
  const [kind, from] = variant.split('@') as [string, string | undefined];
  const root = from === 'before' ? process.env['BENCH_BEFORE_ROOT'] : ROOT;
  if (!root) throw new Error(`${variant}: set BENCH_BEFORE_ROOT to the checkout to compare`);
  if (!(kind in TITLES)) throw new Error(`unknown bench variant ${variant}`);
  const title = `${TITLES[kind]}${from ? ` (${from})` : ''}`;
  const out = join(opts.work, `results-${variant.replace('@', '-')}`);
  const env: Record<string, string> = {};
  const extra: NodeJS.ProcessEnv = {};
  if (kind === 'builtin-srtp') {
    env['BENCH_PHONE_SRTP'] = 'always';
    extra['SIPP_BIN'] = join(ROOT, 'tests/bench/sipp-or-srtp-uas.sh');
    extra['BENCH_NODE'] = process.execPath;
  }
  // A fresh Palisade (and rtpengine) per phase, as run-peer.sh restarts the
  // peer per phase: an overloaded setup phase must not weigh on the next.
  for (const phase of opts.which) {
    let rtpengine: RunningRtpengine | undefined;
    if (kind === 'rtpengine') {
      const binary = debianPeer('rtpengine-daemon', 'rtpengine');
      if (!binary.path) throw new Error(`rtpengine variant: ${binary.skip}`);
      rtpengine = await startRtpengine(binary.path, { min: 30000, max: 39999 }, 3 * HOUR);
      env['PALISADE_MEDIA_ENGINE'] = 'rtpengine';
      env['PALISADE_MEDIA_RTPENGINE_NODES'] = `127.0.0.1:${rtpengine.ngPort}`;
    }
    try {
      const { child, ready } = await startServer({
        work: opts.work,
        name: `${phase}-${variant.replace('@', '-')}`,
        first: opts.first,
        users: opts.users,
        env,
        root,
      });
      try {
        const pids = [`palisade=${ready.pid}`];
        if (rtpengine?.peer.child.pid) pids.push(`rtpengine=${rtpengine.peer.child.pid}`);
        log(`run-target.sh ${phase}: ${title}`);
        await run(
          join(opts.benchDir, 'run-target.sh'),
          [phase],
          {
            ...harnessEnv,
            ...extra,
            TARGET: `127.0.0.1:${ready.ports['UDP']}`,
            SERVER_PIDS: pids.join(' '),
            LABEL: `palisade-${variant}`,
            OUT: out,
          },
          3 * HOUR,
        );
      } finally {
        await stopServer(child);
      }
    } finally {
      await rtpengine?.stop();
    }
  }
  return {
    title,
    dir: out,
    ...(kind === 'builtin-srtp' ? { srtpSteps: srtpSteps(out) } : {}),
  };
}

export async function callPhases(opts: CallPhaseOptions): Promise<string[]> {
  const harnessEnv = {
    ...process.env,
    BENCH_WORK: join(opts.work, 'harness-calls'),
    REPEATS: opts.repeats,
    CALL_RATES,
    CALL_SECS,
    RTP_CALLS,
    RTP_PLATEAU_S,
    RTP_MAX_LOSS_PCT,
    RTP_CPS: '100',
    DOMAIN: '127.0.0.1',
  };
  log(
    `call phases ${opts.which.join(' ')}: variants ${VARIANTS.join(', ')}; calls/s ${CALL_RATES}; concurrent ${RTP_CALLS}; max loss ${RTP_MAX_LOSS_PCT} %`,
  );
  const results: VariantResult[] = [];
  for (const v of VARIANTS) results.push(await runVariant(v, opts, harnessEnv));
  const peerTitle = 'Kamailio + rtpengine';
  if (process.env['BENCH_SKIP_PEER'] !== '1') {
    const peerOut = join(opts.work, 'results-kamailio-calls');
    log(`run-peer.sh ${opts.which.join(' ')} (Kamailio + rtpengine, same loads)`);
    await run(
      join(opts.benchDir, 'run-peer.sh'),
      [...opts.which],
      { ...harnessEnv, OUT: peerOut },
      3 * HOUR,
    );
    results.push({ title: peerTitle, dir: peerOut });
  }
  const out: string[] = [];
  for (const r of results) out.push('', `${r.title}: ${r.dir}`, await report(opts.benchDir, r.dir));
  const srtp = results.find((r) => r.srtpSteps);
  if (srtp)
    out.push(
      `SRTP echo (srtp-echo-uas.ts, SRTP by @palisade/media's SrtpContext, the code under test; cross-checked against baresip/libsrtp by tests/conformance/media/srtp-echo-uas.test.ts), per rtp step:`,
      ...(srtp.srtpSteps ?? []).map((l) => `  ${l}`),
    );
  out.push(...summarise(results, peerTitle));
  out.push(
    '',
    `Loads: calls/s ${CALL_RATES} (${CALL_SECS} s each); concurrent calls ${RTP_CALLS} (ramp 100/s, plateau ${RTP_PLATEAU_S} s), pass < ${RTP_MAX_LOSS_PCT} % loss; repeats ${opts.repeats}.`,
  );
  return out;
}
