/** The report's tables: top offenders, attempts by source, service and user, counters. */
import { formatTime } from '../components/ui.tsx';
import {
  countsText,
  ranked,
  type Counter,
  type Counts,
  type Offender,
  type SourceAttempts,
} from './intrusion-report.ts';

export function TopOffenders(props: { offenders: readonly Offender[] }) {
  return (
    <section aria-labelledby="top-offenders">
      <h2 id="top-offenders">Top offenders</h2>
      <p className="hint">
        The latest ban of each address in the last 30 days, repeat offenders first (a repeat offence
        is banned longer).
      </p>
      <table className="list">
        <caption className="visually-hidden">Top offenders</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Offences</th>
            <th scope="col">Last rule</th>
            <th scope="col">Last banned</th>
            <th scope="col">Now</th>
          </tr>
        </thead>
        <tbody>
          {props.offenders.map((o) => (
            <tr key={o.address}>
              <th scope="row">{o.address}</th>
              <td>{o.offence}</td>
              <td>{o.rule}</td>
              <td>{formatTime(o.createdAt)}</td>
              <td>
                {o.active ? (
                  <span className="badge badge-danger">banned</span>
                ) : o.liftedAt !== null ? (
                  'lifted'
                ) : (
                  'expired'
                )}
              </td>
            </tr>
          ))}
          {props.offenders.length === 0 ? (
            <tr>
              <td colSpan={5}>No address was banned in the last 30 days.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}

export function AttemptsBySource(props: { sources: readonly SourceAttempts[] }) {
  return (
    <section aria-labelledby="attempts-by-source">
      <h2 id="attempts-by-source">Attempts by source</h2>
      <table className="list">
        <caption className="visually-hidden">Attempts by source address</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Attempts</th>
            <th scope="col">Services</th>
            <th scope="col">Kinds</th>
            <th scope="col">User names tried</th>
            <th scope="col">First</th>
            <th scope="col">Last</th>
          </tr>
        </thead>
        <tbody>
          {props.sources.map((s) => (
            <tr key={s.source}>
              <th scope="row">{s.source}</th>
              <td>{s.total}</td>
              <td>{countsText(s.byService)}</td>
              <td>{countsText(s.byKind)}</td>
              <td>{countsText(s.users) || '—'}</td>
              <td>{formatTime(s.firstAt)}</td>
              <td>{formatTime(s.lastAt)}</td>
            </tr>
          ))}
          {props.sources.length === 0 ? (
            <tr>
              <td colSpan={7}>No attempt recorded since this node started.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}

/** A two-column table of counts, largest first. */
export function CountsTable(props: {
  id: string;
  title: string;
  what: string;
  counts: Counts;
  limit?: number;
}) {
  const rows = ranked(props.counts).slice(0, props.limit ?? 50);
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <table className="list">
        <caption className="visually-hidden">{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{props.what}</th>
            <th scope="col">Attempts</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, n]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{n}</td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={2}>None yet.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}

const COUNTER_TITLES: Readonly<Record<string, string>> = {
  palisade_ids_rule_fired_total: 'Rules fired, per detector and action',
  palisade_ids_events_total: 'Events reported, per kind and service',
  palisade_ids_bans_total: 'Bans, per origin and rule',
  palisade_ids_dropped_total: 'Dropped, per service and reason',
  palisade_ids_overload_total: 'Overload answers (503), per service',
};

export function Counters(props: { counters: readonly Counter[] }) {
  const names = [...new Set(props.counters.map((c) => c.name))];
  return (
    <section aria-labelledby="ids-counters">
      <h2 id="ids-counters">Counters</h2>
      <p className="hint">
        Since this node started (the same counters as GET /api/v1/intrusion/counters).
      </p>
      {names.length === 0 ? <p>Nothing counted yet.</p> : null}
      {names.map((name) => {
        const rows = props.counters.filter((c) => c.name === name);
        const labels = [...new Set(rows.flatMap((c) => Object.keys(c.labels)))];
        return (
          <table className="list counters" key={name}>
            <caption>{COUNTER_TITLES[name] ?? name}</caption>
            <thead>
              <tr>
                {labels.map((l) => (
                  <th scope="col" key={l}>
                    {l}
                  </th>
                ))}
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={labels.map((l) => c.labels[l] ?? '').join('\u0000')}>
                  {labels.map((l) => (
                    <td key={l}>{c.labels[l] ?? '—'}</td>
                  ))}
                  <td>{c.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </section>
  );
}
