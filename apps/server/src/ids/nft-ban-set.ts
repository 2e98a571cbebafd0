/**
 * Kernel-level drops: banned addresses go into the nftables sets
 * `inet palisade banned4` and `banned6`, which an input-hook chain drops.
 * The `nft` command runs with fixed arguments (never a shell); the only
 * variable part is an address already checked to be an IP address, and a
 * number of seconds. Needs CAP_NET_ADMIN; without it the server says so
 * once and goes on with the in-process bans.
 */
import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import type { Logger } from '@palisade/common';
import { normalizeAddress } from '@palisade/security';

const TABLE = ['inet', 'palisade'] as const;

export class NftBanSet {
  readonly #command: readonly string[];
  readonly #logger: Logger;
  #ok = false;

  /** `command`: the program and leading arguments, `['nft']` by default (tests use `ip netns exec`). */
  constructor(logger: Logger, command: readonly string[] = ['nft']) {
    this.#logger = logger;
    this.#command = command;
  }

  get active(): boolean {
    return this.#ok;
  }

  /** Creates the table, sets and chain (idempotent); false when nft is not usable. */
  async setup(): Promise<boolean> {
    try {
      await this.#nft(['add', 'table', ...TABLE]);
      for (const [set, type] of [
        ['banned4', 'ipv4_addr'],
        ['banned6', 'ipv6_addr'],
      ] as const)
        await this.#nft([
          'add',
          'set',
          ...TABLE,
          set,
          '{',
          'type',
          type,
          ';',
          'flags',
          'timeout',
          ';',
          '}',
        ]);
      await this.#nft(['flush', 'chain', ...TABLE, 'input']).catch(() => undefined);
      await this.#nft([
        'add',
        'chain',
        ...TABLE,
        'input',
        '{',
        'type',
        'filter',
        'hook',
        'input',
        'priority',
        '-10',
        ';',
        'policy',
        'accept',
        ';',
        '}',
      ]);
      await this.#nft(['add', 'rule', ...TABLE, 'input', 'ip', 'saddr', '@banned4', 'drop']);
      await this.#nft(['add', 'rule', ...TABLE, 'input', 'ip6', 'saddr', '@banned6', 'drop']);
      this.#ok = true;
    } catch (err) {
      this.#logger.warn('nftables not usable; bans stay in-process only', {
        error: err instanceof Error ? err.message.slice(0, 200) : String(err),
      });
      this.#ok = false;
    }
    return this.#ok;
  }

  /** `seconds` null: until removed. */
  async add(address: string, seconds: number | null): Promise<void> {
    const element = elementOf(address);
    if (!this.#ok || !element) return;
    const timeout =
      seconds === null
        ? []
        : ['timeout', `${Math.max(1, Math.min(Math.ceil(seconds), 31_536_000))}s`];
    await this.#nft([
      'add',
      'element',
      ...TABLE,
      element.set,
      '{',
      element.address,
      ...timeout,
      '}',
    ]).catch((err: unknown) =>
      this.#logger.warn('nft add failed', { error: String(err).slice(0, 200) }),
    );
  }

  async remove(address: string): Promise<void> {
    const element = elementOf(address);
    if (!this.#ok || !element) return;
    // absent already (expired in the kernel): nothing to do
    await this.#nft(['delete', 'element', ...TABLE, element.set, '{', element.address, '}']).catch(
      () => undefined,
    );
  }

  /** The addresses in both sets (for tests and the report). */
  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const set of ['banned4', 'banned6']) {
      const json = await this.#nft(['-j', 'list', 'set', ...TABLE, set]);
      const parsed = JSON.parse(json) as { nftables?: { set?: { elem?: unknown[] } }[] };
      for (const item of parsed.nftables ?? [])
        for (const e of item.set?.elem ?? []) {
          const v = typeof e === 'string' ? e : (e as { elem?: { val?: unknown } }).elem?.val;
          if (typeof v === 'string') out.push(v);
        }
    }
    return out;
  }

  #nft(args: readonly string[]): Promise<string> {
    const [program = 'nft', ...lead] = this.#command;
    return new Promise((resolve, reject) => {
      execFile(
        program,
        [...lead, ...args],
        { timeout: 5000, maxBuffer: 4 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err)
            reject(new Error(`nft ${args.slice(0, 2).join(' ')}: ${stderr.trim() || err.message}`));
          else resolve(stdout);
        },
      );
    });
  }
}

function elementOf(raw: string): { set: 'banned4' | 'banned6'; address: string } | null {
  const address = normalizeAddress(raw);
  const family = isIP(address);
  if (family === 0) return null;
  return { set: family === 4 ? 'banned4' : 'banned6', address };
}
