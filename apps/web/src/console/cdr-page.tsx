/** Call detail records with filters and CSV export. */
import { useState, type FormEvent } from 'react';
import { Alert, ErrorText, Loading, Submit } from '../components/ui.tsx';
import { CdrTable, loadCdrs, who, type CdrFilters } from '../calls/cdr.tsx';
import { useLoad } from '../components/use-load.ts';
import { download, toCsv } from './csv.ts';
import { formText } from '../components/form-data.ts';

export function CdrPage() {
  const [filters, setFilters] = useState<CdrFilters>({});
  const cdrs = useLoad(() => loadCdrs(filters), [filters]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const time = (k: string) => {
      const v = formText(f, k);
      return v === '' ? undefined : new Date(v).getTime();
    };
    const party = formText(f, 'party').trim();
    setFilters({ from: time('from'), to: time('to'), ...(party ? { party } : {}) });
  };

  const exportCsv = () => {
    const rows = (cdrs.data ?? []).map((c) => [
      new Date(c.startedAt).toISOString(),
      who(c, 'from'),
      who(c, 'to'),
      c.direction ?? '',
      c.disposition ?? '',
      c.durationSeconds ?? '',
    ]);
    download(
      'palisade-cdr.csv',
      toCsv(['start', 'from', 'to', 'direction', 'disposition', 'seconds'], rows),
    );
  };

  return (
    <section>
      <h1>Call records</h1>
      <form onSubmit={submit} className="row filters" aria-label="Filter call records">
        <label className="inline">
          <span>From</span>
          <input type="datetime-local" name="from" />
        </label>
        <label className="inline">
          <span>To</span>
          <input type="datetime-local" name="to" />
        </label>
        <label className="inline">
          <span>Number or user</span>
          <input type="search" name="party" maxLength={64} />
        </label>
        <Submit busy={cdrs.loading}>Filter</Submit>
        <button type="button" onClick={exportCsv} disabled={!cdrs.data || cdrs.data.length === 0}>
          Export CSV
        </button>
      </form>
      {cdrs.loading && cdrs.data === null ? <Loading what="call records" /> : null}
      <ErrorText error={cdrs.error} />
      {!cdrs.loading && cdrs.data === null && !cdrs.error ? (
        <Alert kind="info">This server does not keep call records yet.</Alert>
      ) : null}
      {cdrs.data ? <CdrTable rows={cdrs.data} /> : null}
    </section>
  );
}
