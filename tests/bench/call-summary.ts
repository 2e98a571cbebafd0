/**
 * The call phases of several results folders (one per variant, written by
 * the shared harness's run-target.sh) side by side: for each concurrent-call
 * load, loss and the server's CPU and memory; for the call-setup phase, the
 * highest passing rate. "Server" is every process the harness accounted for
 * the target (Palisade; rtpengine; Kamailio and its workers), the load
 * generators excluded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface VariantResult {
  readonly title: string;
  readonly dir: string;
  /** Lines `srtp-uas step …` of the SRTP echo, one per rtp step, in order. */
  readonly srtpSteps?: readonly string[];
}

type Kv = Record<string, string>;

interface Step {
  readonly phase: string;
  readonly pass: boolean;
  readonly kv: Kv;
}

function steps(dir: string): Step[] {
  const file = join(dir, 'steps.txt');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^(calls|rtp) rep=\d+ (PASS|FAIL) (.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ phase: m[1]!, pass: m[2] === 'PASS', kv: parseKv(m[3]!) }));
}

export function parseKv(text: string): Kv {
  const kv: Kv = {};
  for (const part of text.split(' ')) {
    const at = part.indexOf('=');
    if (at > 0) kv[part.slice(0, at)] = part.slice(at + 1);
  }
  return kv;
}

const num = (kv: Kv, key: string): number => Number(kv[key] ?? NaN);

/** CPU of the server processes (100 = one core). */
function serverCpu(kv: Kv): number {
  return ['palisade_cpu', 'rtpengine_cpu', 'kamailio_cpu']
    .filter((k) => kv[k] !== undefined)
    .reduce((s, k) => s + num(kv, k), 0);
}

/** Memory of the server processes in MiB: RSS, or PSS for Kamailio's shared-memory workers. */
function serverMemMiB(kv: Kv): number {
  return (
    ['palisade_rss_kb', 'rtpengine_rss_kb', 'kamailio_pss_kb']
      .filter((k) => kv[k] !== undefined)
      .reduce((s, k) => s + num(kv, k), 0) / 1024
  );
}

function srtpFailures(line: string | undefined): number | undefined {
  if (line === undefined) return undefined;
  const kv = parseKv(line);
  return num(kv, 'auth_failed') + num(kv, 'replayed') + num(kv, 'malformed');
}

function cell(s: Step | undefined, srtp: string | undefined, peerCpu: number | undefined): string {
  if (!s) return '—';
  const kv = s.kv;
  const cpu = serverCpu(kv);
  const ratio = peerCpu && peerCpu > 0 ? ` (${(cpu / peerCpu).toFixed(2)}x)` : '';
  const fails = srtpFailures(srtp);
  return [
    `${s.pass ? '' : 'FAIL '}loss ${Number(kv['relay_loss_pct']).toFixed(3)} %`,
    Number(kv['echo_loss_pct']) > 0 ? `echo loss ${Number(kv['echo_loss_pct']).toFixed(3)} %` : '',
    fails === undefined ? '' : `SRTP failures ${fails}`,
    `CPU ${cpu.toFixed(0)} %${ratio}${kv['palisade_cpu'] !== undefined && kv['rtpengine_cpu'] !== undefined ? ` (rtpengine ${num(kv, 'rtpengine_cpu').toFixed(0)})` : ''}`,
    `${serverMemMiB(kv).toFixed(0)} MiB`,
  ]
    .filter((x) => x !== '')
    .join(', ');
}

/** Markdown tables: concurrent calls (rtp) and call setup (calls), one column per variant. */
export function summarise(results: readonly VariantResult[], peerTitle: string): string[] {
  const all = results.map((r) => ({ ...r, steps: steps(r.dir) }));
  const peer = all.find((r) => r.title === peerTitle);
  const out: string[] = [];
  const header = (first: string): string[] => [
    `| ${first} | ${all.map((r) => r.title).join(' | ')} |`,
    `|---|${all.map(() => '---').join('|')}|`,
  ];
  const loads = [
    ...new Set(
      all.flatMap((r) => r.steps.filter((s) => s.phase === 'rtp').map((s) => s.kv['calls']!)),
    ),
  ].sort((a, b) => Number(a) - Number(b));
  if (loads.length > 0) {
    out.push(
      '',
      'Concurrent relayed G.711 calls (loss counted on the generator ports; CPU of the server processes, 100 % = one core; ratio to the peer):',
      ...header('calls'),
    );
    for (const m of loads) {
      const at = (r: (typeof all)[number]): Step | undefined =>
        r.steps.find((s) => s.phase === 'rtp' && s.kv['calls'] === m);
      const peerStep = peer ? at(peer) : undefined;
      const peerCpu = peerStep ? serverCpu(peerStep.kv) : undefined;
      out.push(
        `| ${m} | ${all
          .map((r) => {
            const s = at(r);
            const index = s ? r.steps.filter((x) => x.phase === 'rtp').indexOf(s) : -1;
            return cell(s, r.srtpSteps?.[index], r === peer ? undefined : peerCpu);
          })
          .join(' | ')} |`,
      );
    }
  }
  if (all.some((r) => r.steps.some((s) => s.phase === 'calls'))) {
    out.push(
      '',
      'Call setup (< 1 % failed, ≥ 95 % of the offered rate achieved):',
      ...header('measure'),
    );
    const best = all.map((r) => {
      const passed = r.steps.filter((s) => s.phase === 'calls' && s.pass);
      return passed.sort((a, b) => num(b.kv, 'target') - num(a.kv, 'target'))[0];
    });
    out.push(
      `| highest passing rate | ${best.map((s) => (s ? `${s.kv['target']} calls/s` : 'none')).join(' | ')} |`,
      `| setup p50 / p99 there | ${best.map((s) => (s ? `${s.kv['setup_p50_ms']} / ${s.kv['setup_p99_ms']} ms` : '—')).join(' | ')} |`,
      `| server CPU there | ${best.map((s) => (s ? `${serverCpu(s.kv).toFixed(0)} %` : '—')).join(' | ')} |`,
    );
  }
  return out;
}
