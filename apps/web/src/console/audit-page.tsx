/** The audit log, newest first, with filters and paging by cursor. */
import { useState, type FormEvent } from 'react';
import { api, query } from '../api/api-client.ts';
import type { AuditEntry } from '../api/types.ts';
import { ErrorText, formatTime, Loading, Submit } from '../components/ui.tsx';
import { useLoad } from '../components/use-load.ts';
import { download, toCsv } from './csv.ts';
import { formText } from '../components/form-data.ts';

interface Filters {
  readonly actor?: string;
  readonly action?: string;
  readonly from?: number;
  readonly to?: number;
  readonly cursor?: number;
}

interface Page {
  readonly entries: AuditEntry[];
  readonly nextCursor: number | null;
}

export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({});
  const page = useLoad(
    () => api<Page>('GET', `/api/v1/audit${query({ ...filters, limit: 100 })}`),
    [filters],
  );

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => formText(f, k).trim() || undefined;
    const time = (k: string) => {
      const v = text(k);
      return v === undefined ? undefined : new Date(v).getTime();
    };
    setFilters({
      actor: text('actor'),
      action: text('action'),
      from: time('from'),
      to: time('to'),
    });
  };

  const exportCsv = () =>
    download(
      'palisade-audit.csv',
      toCsv(
        ['at', 'actor', 'action', 'target', 'outcome', 'address', 'detail'],
        (page.data?.entries ?? []).map((e) => [
          new Date(e.at).toISOString(),
          e.actor,
          e.action,
          e.target,
          e.outcome,
          e.remoteAddress,
          JSON.stringify(e.detail),
        ]),
      ),
    );

  return (
    <section>
      <h1>Audit log</h1>
      <form onSubmit={submit} className="row filters" aria-label="Filter the audit log">
        <label className="inline">
          <span>Actor</span>
          <input name="actor" maxLength={128} placeholder="user:…" />
        </label>
        <label className="inline">
          <span>Action</span>
          <input name="action" maxLength={64} pattern="[a-z0-9.\-]+" placeholder="auth.login" />
        </label>
        <label className="inline">
          <span>From</span>
          <input type="datetime-local" name="from" />
        </label>
        <label className="inline">
          <span>To</span>
          <input type="datetime-local" name="to" />
        </label>
        <Submit busy={page.loading}>Filter</Submit>
        <button type="button" onClick={exportCsv} disabled={!page.data}>
          Export CSV
        </button>
      </form>
      {page.loading && !page.data ? <Loading what="the audit log" /> : null}
      <ErrorText error={page.error} />
      {page.data ? (
        <>
          <table className="list">
            <caption className="visually-hidden">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {page.data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.target ?? ''}</td>
                  <td className={e.outcome === 'success' ? undefined : 'bad'}>{e.outcome}</td>
                  <td>{e.remoteAddress ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            {filters.cursor !== undefined ? (
              <button type="button" onClick={() => setFilters({ ...filters, cursor: undefined })}>
                Newest
              </button>
            ) : null}
            {page.data.nextCursor !== null ? (
              <button
                type="button"
                onClick={() =>
                  setFilters({ ...filters, cursor: page.data?.nextCursor ?? undefined })
                }
              >
                Older
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
