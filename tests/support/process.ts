/**
 * Child processes for tests: every one is bounded in time and killed when the
 * test ends, and its output is kept for the failure message.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface RunningPeer {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern`, rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null if killed by a signal). */
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startPeer(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { maxMs?: number } = {},
): RunningPeer {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > 1_000_000) out = out.slice(-500_000);
    for (const l of [...listeners]) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.maxMs ?? 120_000);
  killer.unref();
  void exit.then(() => clearTimeout(killer));

  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = out.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`timed out waiting for ${String(pattern)}; output:\n${out.slice(-4000)}`),
          );
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = (): void => void check();
        if (check()) return;
        listeners.add(listener);
        void exit.then(() => {
          if (!check()) {
            cleanup();
            reject(
              new Error(
                `${command} exited before ${String(pattern)}; output:\n${out.slice(-4000)}`,
              ),
            );
          }
        });
      });
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(t);
    },
  };
}
