/**
 * The devices and users that every authenticated SIP request reads (the
 * registrar's digest check, call control's caller check), kept in memory.
 * A lookup in the store costs 20–60 µs of the main thread (the query
 * builder, and SQLite re-reading its pages once the registration writer's
 * connection has committed); the cache answers in well under one.
 *
 * Security first: a rotated secret, a deleted device, a disabled or deleted
 * user must stop authenticating at once. So:
 * - the store tells of every such change made by this process, as it is
 *   written and again when its transaction commits (`onCredentialsChanged`),
 *   and the whole cache is dropped each time;
 * - changes made elsewhere (the CLI, another node, SQL by hand) move the
 *   store's credentials generation (database triggers); it is read every
 *   `pollMs` (default 1 s), and a move drops the cache. That second is the
 *   longest a change made outside this process can go unseen.
 * - only found rows are kept: an unknown user always asks the store.
 * - a lookup that started before a drop does not fill the cache with what
 *   it read (it may be the old row).
 * At most `maxEntries` of each kind are kept (default 100,000); the oldest
 * go first.
 */
import { systemClock } from '@palisade/common';
import type { Clock, Logger, TimerHandle } from '@palisade/common';
import type { CredentialChanges } from '../ports/credential-changes.ts';
import type { Device, DeviceRepository } from '../ports/device-repository.ts';
import type { User, UserRepository } from '../ports/user-repository.ts';

export interface DirectoryCacheOptions {
  readonly maxEntries?: number;
  readonly clock?: Clock;
  /** How often the store's credentials generation is read; default 1000 ms. */
  readonly pollMs?: number;
  readonly logger?: Logger;
}

export class DirectoryCache {
  readonly #devices = new Map<string, Device>();
  readonly #users = new Map<string, User>();
  readonly #max: number;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #logger: Logger | undefined;
  /** Moves on every drop: a lookup begun in an older epoch does not fill the cache. */
  #epoch = 0;
  #generation: number | undefined;
  #poll: TimerHandle | null = null;
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  constructor(options: DirectoryCacheOptions = {}) {
    this.#max = options.maxEntries ?? 100_000;
    this.#clock = options.clock ?? systemClock;
    this.#pollMs = options.pollMs ?? 1000;
    this.#logger = options.logger;
  }

  /** Drops everything. */
  clear(): void {
    this.#epoch++;
    this.#devices.clear();
    this.#users.clear();
  }

  /** Number of devices and users held (for tests and metrics). */
  get size(): number {
    return this.#devices.size + this.#users.size;
  }

  /**
   * Follows the store's changes: drops the cache when this process changes
   * credentials, and when the generation moves. Resolves once the first
   * generation is read.
   */
  async follow(changes: CredentialChanges): Promise<void> {
    this.#unsubscribe = changes.onCredentialsChanged(() => this.clear());
    this.#generation = await changes.credentialsGeneration();
    const tick = (): void => {
      if (this.#closed) return;
      changes.credentialsGeneration().then(
        (g) => {
          if (g !== this.#generation) {
            this.#generation = g;
            this.clear();
          }
          this.#schedule(tick);
        },
        (err: unknown) => {
          // unknown state: drop, so nothing stale is trusted while the store is away
          this.clear();
          this.#logger?.warn('credentials generation could not be read', {
            error: err instanceof Error ? err.message : String(err),
          });
          this.#schedule(tick);
        },
      );
    };
    this.#schedule(tick);
  }

  #schedule(tick: () => void): void {
    if (!this.#closed) this.#poll = this.#clock.setTimeout(tick, this.#pollMs);
  }

  /** `repo`'s device lookup by SIP domain and username, through the cache. */
  devices(
    repo: Pick<DeviceRepository, 'findBySipDomainAndUsername'>,
  ): Pick<DeviceRepository, 'findBySipDomainAndUsername'> {
    return {
      findBySipDomainAndUsername: (sipDomain, sipUsername) =>
        this.#through(this.#devices, `${sipDomain.toLowerCase()}\u0000${sipUsername}`, () =>
          repo.findBySipDomainAndUsername(sipDomain, sipUsername),
        ),
    };
  }

  /** `repo`'s user lookup by id, through the cache. */
  users(repo: Pick<UserRepository, 'findById'>): Pick<UserRepository, 'findById'> {
    return { findById: (id) => this.#through(this.#users, id, () => repo.findById(id)) };
  }

  async #through<T>(
    map: Map<string, T>,
    key: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const hit = map.get(key);
    if (hit !== undefined) return hit;
    const epoch = this.#epoch;
    const found = await load();
    if (found !== null && epoch === this.#epoch && !this.#closed) {
      if (map.size >= this.#max) {
        const oldest = map.keys().next();
        if (oldest.done !== true) map.delete(oldest.value);
      }
      map.set(key, found);
    }
    return found;
  }

  /** Stops following the store and drops everything. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#poll?.cancel();
    this.#poll = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.clear();
  }
}
