/**
 * Bans: kept in the store (so they survive restarts and every node of a
 * cluster sees them) and mirrored in the in-memory `BanList` the listeners
 * consult. Other nodes' bans arrive by polling the store (`refresh`, every
 * `pollMs`). Escalation: a ban that starts within the policy's repeat window
 * after the previous one for the same address ended is a repeat offence and
 * lasts longer.
 */
import { PalisadeError, TypedEmitter } from '@palisade/common';
import type { Clock, Logger, TimerHandle } from '@palisade/common';
import type { Ban, BanRepository } from '../ports/ban-repository.ts';
import { BanList } from './ban-list.ts';
import { banDuration } from './ids-policy.ts';
import type { IdsPolicyConfig } from './ids-policy.ts';
import { isAddress, normalizeAddress } from './normalize-address.ts';

export type BanEvents = {
  /** A ban this node created (detector or manual). */
  readonly banned: Ban;
  /** A ban this node lifted by hand. */
  readonly unbanned: { readonly address: string; readonly by: string };
  /** Addresses that became banned or unbanned on this node after reading the store. */
  readonly synced: { readonly added: readonly string[]; readonly removed: readonly string[] };
};

export interface DetectorBan {
  readonly address: string;
  readonly rule: string;
  readonly reason: string;
  readonly policy: IdsPolicyConfig;
}

export interface ManualBan {
  readonly address: string;
  readonly reason: string;
  /** Null: until lifted. */
  readonly durationMs: number | null;
  readonly by: string;
}

export class BanService {
  readonly list: BanList;
  readonly events = new TypedEmitter<BanEvents>();
  readonly #repo: BanRepository;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pending = new Set<string>();
  #timer: TimerHandle | null = null;
  /** Bumped by every local change, so a store read that started before it does not undo it. */
  #generation = 0;
  #closed = false;

  constructor(repo: BanRepository, clock: Clock, logger: Logger) {
    this.#repo = repo;
    this.#clock = clock;
    this.#logger = logger;
    this.list = new BanList(() => clock.now());
  }

  /**
   * A detector's ban. Does nothing when the address is already banned or a
   * ban for it is being written; resolves with the new ban or null.
   */
  async banByDetector(b: DetectorBan): Promise<Ban | null> {
    const address = normalizeAddress(b.address);
    if (this.list.isBanned(address) || this.#pending.has(address)) return null;
    this.#pending.add(address);
    try {
      const now = this.#clock.now();
      const previous = await this.#repo.find(address);
      if (previous && isActive(previous, now)) {
        this.list.add(address, previous.expiresAt);
        return null;
      }
      const ended = previous ? (previous.liftedAt ?? previous.expiresAt ?? now) : 0;
      const offence = previous && now - ended < b.policy.repeatWindowMs ? previous.offence + 1 : 1;
      const ban = await this.#repo.put({
        address,
        rule: b.rule,
        origin: 'detector',
        offence,
        reason: b.reason.slice(0, 200),
        createdBy: 'system',
        createdAt: now,
        expiresAt: now + banDuration(b.policy, offence),
      });
      this.#generation++;
      this.list.add(address, ban.expiresAt);
      this.events.emit('banned', ban);
      return ban;
    } finally {
      this.#pending.delete(address);
    }
  }

  /** A ban by an administrator. */
  async banManually(b: ManualBan): Promise<Ban> {
    if (!isAddress(b.address))
      throw new PalisadeError('validation_failed', 'not an IP address', {
        details: { field: 'address' },
      });
    const address = normalizeAddress(b.address);
    const now = this.#clock.now();
    const previous = await this.#repo.find(address);
    const ban = await this.#repo.put({
      address,
      rule: 'manual',
      origin: 'manual',
      offence: (previous?.offence ?? 0) + 1,
      reason: b.reason.slice(0, 200),
      createdBy: b.by,
      createdAt: now,
      expiresAt: b.durationMs === null ? null : now + b.durationMs,
    });
    this.#generation++;
    this.list.add(address, ban.expiresAt);
    this.events.emit('banned', ban);
    return ban;
  }

  /** Lifts an active ban; throws not_found when there is none. */
  async unban(rawAddress: string, by: string): Promise<void> {
    if (!isAddress(rawAddress))
      throw new PalisadeError('validation_failed', 'not an IP address', {
        details: { field: 'address' },
      });
    const address = normalizeAddress(rawAddress);
    const lifted = await this.#repo.lift(address, this.#clock.now());
    this.#generation++;
    this.list.remove(address);
    if (!lifted) throw new PalisadeError('not_found', 'no active ban for this address');
    this.events.emit('unbanned', { address, by });
  }

  active(): Promise<Ban[]> {
    return this.#repo.listActive(this.#clock.now());
  }

  /** Repeat offenders: the latest ban of each address, highest offence first, and whether it holds now. */
  async offenders(limit: number): Promise<(Ban & { readonly active: boolean })[]> {
    const now = this.#clock.now();
    const bans = await this.#repo.listOffenders(limit);
    return bans.map((b) => ({ ...b, active: isActive(b, now) }));
  }

  /** Reads the active bans from the store into the list (bans of other nodes, lifts, expiries). */
  async refresh(): Promise<void> {
    const generation = this.#generation;
    const bans = await this.#repo.listActive(this.#clock.now());
    // a local ban or lift happened meanwhile: this read may predate it; the next poll is current
    if (generation !== this.#generation) return;
    const change = this.list.replace(bans);
    if (change.added.length > 0 || change.removed.length > 0) this.events.emit('synced', change);
  }

  /** Loads the bans now, then polls the store every `pollMs`. */
  async start(pollMs: number): Promise<void> {
    await this.refresh();
    const tick = (): void => {
      if (this.#closed) return;
      this.refresh()
        .catch((err: unknown) =>
          this.#logger.warn('bans could not be read from the store', { error: String(err) }),
        )
        .finally(() => {
          if (!this.#closed) this.#timer = this.#clock.setTimeout(tick, pollMs);
        });
    };
    this.#timer = this.#clock.setTimeout(tick, pollMs);
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = null;
  }
}

function isActive(b: Ban, now: number): boolean {
  return b.liftedAt === null && (b.expiresAt === null || b.expiresAt > now);
}
