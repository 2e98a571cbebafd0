/**
 * Runs each LDAP provider's sync when its interval (syncIntervalMinutes) has
 * passed since its last run. One check per `checkEveryMs`; runs one after
 * another, never overlapping; a failed run is recorded by the sync itself.
 */
import type { Clock, Logger } from '@palisade/common';
import type {
  LdapSsoService,
  SsoProviderRepository,
  SsoSyncRunRepository,
} from '@palisade/security';

export interface LdapSyncSchedulerDeps {
  readonly tenants: () => Promise<readonly { id: string }[]>;
  readonly providers: SsoProviderRepository;
  readonly runs: SsoSyncRunRepository;
  readonly ldap: Pick<LdapSsoService, 'sync'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly checkEveryMs: number;
}

export class LdapSyncScheduler {
  readonly #d: LdapSyncSchedulerDeps;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(deps: LdapSyncSchedulerDeps) {
    this.#d = deps;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runDue(), this.#d.checkEveryMs);
    this.#timer.unref();
  }

  /** Runs every sync that is due now; resolves when they are done. */
  runDue(): Promise<void> {
    this.#running ??= this.#runDue().finally(() => (this.#running = null));
    return this.#running;
  }

  async #runDue(): Promise<void> {
    try {
      for (const tenant of await this.#d.tenants()) {
        for (const p of await this.#d.providers.list(tenant.id)) {
          if (p.kind !== 'ldap' || !p.enabled || p.config.syncIntervalMinutes <= 0) continue;
          const [last] = await this.#d.runs.list(p.id, 1);
          const dueAt = (last?.startedAt ?? 0) + p.config.syncIntervalMinutes * 60_000;
          if (last && !last.dryRun && dueAt > this.#d.clock.now()) continue;
          await this.#d.ldap.sync({ providerId: p.id, dryRun: false, actor: 'system' });
        }
      }
    } catch (err) {
      this.#d.logger.error('scheduled directory sync failed', { err: String(err) });
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
