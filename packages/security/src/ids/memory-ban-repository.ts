/** A `BanRepository` in memory, for unit tests and a single node without a store. */
import type { Ban, BanRepository, NewBan } from '../ports/ban-repository.ts';

export class MemoryBanRepository implements BanRepository {
  readonly #rows = new Map<string, Ban>();

  put(ban: NewBan): Promise<Ban> {
    const row: Ban = { ...ban, liftedAt: null };
    this.#rows.set(ban.address, row);
    return Promise.resolve(row);
  }

  find(address: string): Promise<Ban | null> {
    return Promise.resolve(this.#rows.get(address) ?? null);
  }

  listActive(now: number, limit = 100_000): Promise<Ban[]> {
    return Promise.resolve(
      [...this.#rows.values()]
        .filter((b) => b.liftedAt === null && (b.expiresAt === null || b.expiresAt > now))
        .sort((a, b) => a.createdAt - b.createdAt || a.address.localeCompare(b.address))
        .slice(0, limit),
    );
  }

  listOffenders(limit: number): Promise<Ban[]> {
    return Promise.resolve(
      [...this.#rows.values()]
        .sort(
          (a, b) =>
            b.offence - a.offence ||
            b.createdAt - a.createdAt ||
            a.address.localeCompare(b.address),
        )
        .slice(0, Math.max(0, limit)),
    );
  }

  lift(address: string, at: number): Promise<boolean> {
    const b = this.#rows.get(address);
    if (!b || b.liftedAt !== null || (b.expiresAt !== null && b.expiresAt <= at))
      return Promise.resolve(false);
    this.#rows.set(address, { ...b, liftedAt: at });
    return Promise.resolve(true);
  }

  purgeEndedBefore(before: number): Promise<number> {
    let n = 0;
    for (const [a, b] of this.#rows)
      if (
        (b.liftedAt !== null && b.liftedAt < before) ||
        (b.expiresAt !== null && b.expiresAt < before)
      ) {
        this.#rows.delete(a);
        n++;
      }
    return Promise.resolve(n);
  }
}
