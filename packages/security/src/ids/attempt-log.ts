/**
 * What the intrusion report shows of recent attempts: per source address,
 * counts by service and kind and the user names tried. Bounded: at most
 * `maxSources` addresses (least recently seen forgotten first) and
 * `maxUsersPerSource` names each. Kept per node, in memory.
 */
import type { IdsEvent, IdsKind, IdsService } from './ids-event.ts';

export interface SourceAttempts {
  readonly source: string;
  readonly total: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly byService: Readonly<Partial<Record<IdsService, number>>>;
  readonly byKind: Readonly<Partial<Record<IdsKind, number>>>;
  /** Up to `maxUsersPerSource` user names with their counts. */
  readonly users: Readonly<Record<string, number>>;
}

interface Entry {
  total: number;
  firstAt: number;
  lastAt: number;
  byService: Partial<Record<IdsService, number>>;
  byKind: Partial<Record<IdsKind, number>>;
  users: Map<string, number>;
}

export interface AttemptLogOptions {
  readonly maxSources: number;
  readonly maxUsersPerSource: number;
}

export class AttemptLog {
  readonly #entries = new Map<string, Entry>();
  readonly #options: AttemptLogOptions;

  constructor(options: AttemptLogOptions = { maxSources: 10_000, maxUsersPerSource: 32 }) {
    this.#options = options;
  }

  record(source: string, event: IdsEvent, at: number): void {
    const weight = Math.max(1, Math.floor(event.weight ?? 1));
    let e = this.#entries.get(source);
    if (e) this.#entries.delete(source);
    else e = { total: 0, firstAt: at, lastAt: at, byService: {}, byKind: {}, users: new Map() };
    this.#entries.set(source, e);
    e.total += weight;
    e.lastAt = at;
    e.byService[event.service] = (e.byService[event.service] ?? 0) + weight;
    e.byKind[event.kind] = (e.byKind[event.kind] ?? 0) + weight;
    if (event.user !== undefined) {
      const user = event.user.slice(0, 128);
      const n = e.users.get(user);
      if (n !== undefined) e.users.set(user, n + weight);
      else if (e.users.size < this.#options.maxUsersPerSource) e.users.set(user, weight);
    }
    while (this.#entries.size > this.#options.maxSources) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get(source: string): SourceAttempts | null {
    const e = this.#entries.get(source);
    return e ? view(source, e) : null;
  }

  /** Sources with the most attempts first. */
  top(limit: number): SourceAttempts[] {
    return [...this.#entries]
      .sort((a, b) => b[1].total - a[1].total || b[1].lastAt - a[1].lastAt)
      .slice(0, Math.max(0, limit))
      .map(([source, e]) => view(source, e));
  }

  /** Totals per service and per user name over every source held. */
  totals(): { byService: Record<string, number>; byUser: Record<string, number> } {
    const byService: Record<string, number> = {};
    const byUser: Record<string, number> = {};
    for (const e of this.#entries.values()) {
      for (const [s, n] of Object.entries(e.byService)) byService[s] = (byService[s] ?? 0) + n;
      for (const [u, n] of e.users) byUser[u] = (byUser[u] ?? 0) + n;
    }
    return { byService, byUser };
  }
}

function view(source: string, e: Entry): SourceAttempts {
  return {
    source,
    total: e.total,
    firstAt: e.firstAt,
    lastAt: e.lastAt,
    byService: { ...e.byService },
    byKind: { ...e.byKind },
    users: Object.fromEntries(e.users),
  };
}
