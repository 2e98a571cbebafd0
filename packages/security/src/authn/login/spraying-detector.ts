/**
 * Password spraying: one source address failing logins across many accounts.
 * Detectors report, policies decide: this only counts distinct accounts per
 * address in a sliding window and reports the address through a port (the
 * intrusion detector bans). Memory is bounded: at most `maxAddresses`
 * addresses are tracked, the oldest dropped first.
 */
import type { Clock } from '@palisade/common';
import type { SprayingReporter } from '../../ports/message-senders.ts';

export interface SprayingOptions {
  readonly windowMs: number;
  readonly distinctAccounts: number;
  readonly maxAddresses: number;
}

export const DEFAULT_SPRAYING_OPTIONS: SprayingOptions = {
  windowMs: 10 * 60_000,
  distinctAccounts: 10,
  maxAddresses: 10_000,
};

interface Window {
  start: number;
  accounts: Set<string>;
  reported: boolean;
}

export class SprayingDetector {
  readonly #reporter: SprayingReporter;
  readonly #clock: Clock;
  readonly #options: SprayingOptions;
  readonly #windows = new Map<string, Window>();

  constructor(reporter: SprayingReporter, clock: Clock, options = DEFAULT_SPRAYING_OPTIONS) {
    this.#reporter = reporter;
    this.#clock = clock;
    this.#options = options;
  }

  failure(address: string, accountKey: string): void {
    const now = this.#clock.now();
    let w = this.#windows.get(address);
    if (!w || now - w.start > this.#options.windowMs) {
      this.#windows.delete(address);
      w = { start: now, accounts: new Set(), reported: false };
    }
    this.#windows.delete(address);
    this.#windows.set(address, w);
    if (w.accounts.size < this.#options.distinctAccounts * 4) w.accounts.add(accountKey);
    if (!w.reported && w.accounts.size >= this.#options.distinctAccounts) {
      w.reported = true;
      this.#reporter.report({ address, distinctAccounts: w.accounts.size, at: now });
    }
    while (this.#windows.size > this.#options.maxAddresses) {
      const oldest = this.#windows.keys().next().value;
      if (oldest === undefined) break;
      this.#windows.delete(oldest);
    }
  }
}
