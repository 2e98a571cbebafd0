/** Call detail records: the shape, loading with filters, and a table (console and app). */
import { api, ApiError, query } from '../api/api-client.ts';
import { formatTime } from '../components/ui.tsx';

export interface Cdr {
  readonly id: string;
  readonly startedAt: number;
  readonly answeredAt?: number | null;
  readonly endedAt?: number | null;
  readonly from?: string;
  readonly to?: string;
  readonly caller?: string;
  readonly callee?: string;
  readonly direction?: string;
  readonly disposition?: string;
  readonly durationSeconds?: number;
  readonly billableSeconds?: number;
}

export interface CdrFilters {
  readonly from?: number;
  readonly to?: number;
  readonly party?: string;
}

export async function loadCdrs(f: CdrFilters): Promise<Cdr[] | null> {
  try {
    const r = await api<Cdr[] | { records?: Cdr[]; entries?: Cdr[] }>(
      'GET',
      `/api/v1/cdr${query({ from: f.from, to: f.to, party: f.party, limit: 500 })}`,
    );
    return Array.isArray(r) ? r : (r.records ?? r.entries ?? []);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export const who = (c: Cdr, side: 'from' | 'to') =>
  side === 'from' ? (c.from ?? c.caller ?? '') : (c.to ?? c.callee ?? '');

export function CdrTable(props: { rows: readonly Cdr[] }) {
  return (
    <table className="list">
      <caption className="visually-hidden">Call records</caption>
      <thead>
        <tr>
          <th scope="col">Start</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">Result</th>
          <th scope="col">Seconds</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((c) => (
          <tr key={c.id}>
            <td>{formatTime(c.startedAt)}</td>
            <td>{who(c, 'from')}</td>
            <td>{who(c, 'to')}</td>
            <td>{c.disposition ?? ''}</td>
            <td>{c.durationSeconds ?? ''}</td>
          </tr>
        ))}
        {props.rows.length === 0 ? (
          <tr>
            <td colSpan={5}>No call matches.</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
