/**
 * The in-memory view of active bans that every listener consults before
 * parsing anything: one Map lookup per packet or connection. Expiry is
 * checked on lookup, so an expired ban stops working at once even between
 * refreshes from the store.
 */
import { normalizeAddress } from './normalize-address.ts';

export class BanList {
  readonly #until = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** O(1). `address` as the socket reports it (IPv4-mapped IPv6 is matched too). */
  isBanned(address: string | undefined): boolean {
    if (address === undefined) return false;
    let until = this.#until.get(address);
    if (until === undefined) {
      if (this.#until.size === 0) return false;
      until = this.#until.get(normalizeAddress(address));
      if (until === undefined) return false;
    }
    return until > this.#now();
  }

  /** `expiresAt` null bans until removed. */
  add(address: string, expiresAt: number | null): void {
    this.#until.set(normalizeAddress(address), expiresAt ?? Number.POSITIVE_INFINITY);
  }

  remove(address: string): void {
    this.#until.delete(normalizeAddress(address));
  }

  /** Replaces the whole list (after reading the store); returns addresses added and removed. */
  replace(bans: readonly { address: string; expiresAt: number | null }[]): {
    added: string[];
    removed: string[];
  } {
    const next = new Map<string, number>();
    for (const b of bans)
      next.set(normalizeAddress(b.address), b.expiresAt ?? Number.POSITIVE_INFINITY);
    const added = [...next.keys()].filter((a) => !this.#until.has(a));
    const removed = [...this.#until.keys()].filter((a) => !next.has(a));
    this.#until.clear();
    for (const [a, u] of next) this.#until.set(a, u);
    return { added, removed };
  }

  /** Forgets expired entries; returns them. */
  sweep(): string[] {
    const now = this.#now();
    const gone: string[] = [];
    for (const [a, u] of this.#until)
      if (u <= now) {
        this.#until.delete(a);
        gone.push(a);
      }
    return gone;
  }

  get size(): number {
    return this.#until.size;
  }
}
