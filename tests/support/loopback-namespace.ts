/**
 * Runs a scenario script inside a fresh network namespace that has only
 * `lo` (Chromium gathers no loopback ICE candidates otherwise), reading the
 * `RESULT <json>` line it prints. Namespaces made here and the scripts
 * started are removed by `cleanup()` (call it from `after`). Needs root and
 * `ip`.
 */
import { spawnSync } from 'node:child_process';
import { debianPeer } from './debian.ts';
import { startPeer, type RunningPeer } from './process.ts';

const ip = (...args: string[]): boolean =>
  spawnSync('ip', args, { stdio: 'ignore', timeout: 10_000 }).status === 0;

export class LoopbackNamespaces {
  readonly #peers: RunningPeer[] = [];
  readonly #made: string[] = [];

  /** Why the scenarios cannot run here (not root, a Debian peer missing), or undefined. */
  skipReason(peers: readonly (readonly [pkg: string, binary: string])[]): string | undefined {
    if (process.getuid?.() !== 0) return 'needs root for a network namespace';
    for (const [pkg, bin] of [['iproute2', 'ip'] as const, ...peers]) {
      const peer = debianPeer(pkg, bin);
      if (peer.skip !== undefined) return peer.skip;
    }
    return undefined;
  }

  /**
   * Makes namespace `name` (lo up), runs `node script ...args` in it and
   * answers the parsed RESULT line; the script is killed after `maxMs`.
   */
  async run<T>(name: string, script: string, args: readonly string[], maxMs: number): Promise<T> {
    if (!ip('netns', 'add', name)) throw new Error('could not create a network namespace');
    this.#made.push(name);
    if (!ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'))
      throw new Error('could not bring lo up in the namespace');
    const peer = startPeer('ip', ['netns', 'exec', name, process.execPath, script, ...args], {
      maxMs,
    });
    this.#peers.push(peer);
    const [, json] = await peer.waitFor(/RESULT (\{.*\})/, maxMs - 1_000);
    await peer.exited();
    return JSON.parse(json ?? '{}') as T;
  }

  /** Stops the scripts, kills what they left in their namespaces (a script killed at its bound leaves its children), deletes the namespaces. */
  async cleanup(): Promise<void> {
    for (const peer of this.#peers) await peer.stop('SIGKILL');
    for (const ns of this.#made) {
      killLeftovers(ns);
      ip('netns', 'del', ns);
    }
  }
}

function killLeftovers(namespace: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8', timeout: 10_000 });
  for (const pid of (pids.stdout ?? '').split(/\s+/).filter((s) => /^\d+$/.test(s))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
