/** The intrusion report's data (GET /api/v1/intrusion/*), loaded together. */
import { api } from '../api/api-client.ts';

export interface Ban {
  readonly address: string;
  readonly rule: string;
  readonly origin: string;
  readonly offence: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: number;
  /** Null: until lifted. */
  readonly expiresAt: number | null;
}

export interface Offender extends Ban {
  readonly liftedAt: number | null;
  readonly active: boolean;
}

export type Counts = Readonly<Record<string, number>>;

export interface SourceAttempts {
  readonly source: string;
  readonly total: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly byService: Counts;
  readonly byKind: Counts;
  readonly users: Counts;
}

export interface Attempts {
  readonly top: readonly SourceAttempts[];
  readonly byService: Counts;
  readonly byUser: Counts;
}

export interface Counter {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface IntrusionReport {
  readonly bans: readonly Ban[];
  readonly offenders: readonly Offender[];
  readonly attempts: Attempts;
  readonly counters: readonly Counter[];
}

export async function loadReport(): Promise<IntrusionReport> {
  const [bans, offenders, attempts, counters] = await Promise.all([
    api<Ban[]>('GET', '/api/v1/intrusion/bans'),
    api<Offender[]>('GET', '/api/v1/intrusion/offenders?limit=10'),
    api<Attempts>('GET', '/api/v1/intrusion/attempts?limit=50'),
    api<Counter[]>('GET', '/api/v1/intrusion/counters'),
  ]);
  return { bans, offenders, attempts, counters };
}

/** Entries with the largest count first (ties by name). */
export function ranked(counts: Counts): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** "web 10, sip 2" */
export function countsText(counts: Counts): string {
  return ranked(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}
