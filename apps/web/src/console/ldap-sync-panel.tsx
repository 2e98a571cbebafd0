/** Directory sync: a dry run shows what would change, "Sync now" does it; the last reports below. */
import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { SsoProvider, SyncRun } from '../api/types.ts';
import { Alert, ErrorText, formatTime, Loading } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';

const REASONS: Readonly<Record<string, string>> = {
  gone: 'no longer in the directory',
  'disabled-in-directory': 'disabled in the directory',
};

function Names(props: { title: string; items: readonly string[] }) {
  if (props.items.length === 0) return null;
  return (
    <>
      <dt>{props.title}</dt>
      <dd>
        <ul className="plain">
          {props.items.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      </dd>
    </>
  );
}

export function SyncReportView(props: { run: SyncRun }) {
  const r = props.run.report;
  const verb = r.dryRun ? 'would be' : 'were';
  return (
    <div className="card" aria-label={r.dryRun ? 'Dry run report' : 'Sync report'}>
      <h4>
        {r.dryRun ? 'Dry run' : 'Sync'} of {formatTime(props.run.startedAt)}
      </h4>
      {r.error ? (
        <Alert>The sync stopped: {r.error}</Alert>
      ) : (
        <p>
          {r.seen} directory {r.seen === 1 ? 'user' : 'users'} seen: {r.created.length} {verb}{' '}
          created, {r.updated.length} updated, {r.disabled.length} disabled, {r.unchanged}{' '}
          unchanged, {r.skipped.length} skipped.
        </p>
      )}
      <dl>
        <Names title={`Created${r.dryRun ? ' (would be)' : ''}`} items={r.created} />
        <Names
          title="Updated"
          items={r.updated.map((u) => `${u.username}: ${u.changes.join(', ')}`)}
        />
        <Names
          title="Disabled (never deleted)"
          items={r.disabled.map((d) => `${d.username}: ${REASONS[d.reason] ?? d.reason}`)}
        />
        <Names title="Skipped" items={r.skipped.map((s) => `${s.username}: ${s.reason}`)} />
      </dl>
    </div>
  );
}

export function LdapSyncPanel(props: { provider: SsoProvider; mayChange: boolean }) {
  const runs = useLoad(
    () => api<SyncRun[]>('GET', `/api/v1/sso/providers/${props.provider.id}/sync-runs`),
    [props.provider.id],
  );
  const act = useAction();
  const [latest, setLatest] = useState<SyncRun | null>(null);
  const sync = (dryRun: boolean) => {
    if (!dryRun && !window.confirm('Sync now? Accounts are created, updated and disabled.')) return;
    void act.run(async () => {
      setLatest(
        await api<SyncRun>('POST', `/api/v1/sso/providers/${props.provider.id}/sync`, { dryRun }),
      );
      runs.reload();
    });
  };
  return (
    <section aria-labelledby="sync-title">
      <h3 id="sync-title">Directory sync</h3>
      <p className="hint">
        People who left the directory, or are disabled there, get their account disabled, never
        deleted.
      </p>
      {props.mayChange ? (
        <div className="row">
          <button type="button" onClick={() => sync(true)} disabled={act.busy}>
            Dry run
          </button>
          <button
            type="button"
            onClick={() => sync(false)}
            disabled={act.busy || !props.provider.enabled}
          >
            Sync now
          </button>
          {!props.provider.enabled ? (
            <span className="hint">Enable the provider to sync.</span>
          ) : null}
        </div>
      ) : null}
      {act.busy ? <Loading what="the directory" /> : null}
      <ErrorText error={act.error ?? runs.error} />
      {latest ? <SyncReportView run={latest} /> : null}
      {runs.data && runs.data.length > 0 ? (
        <table className="list">
          <caption>Recent runs</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Kind</th>
              <th scope="col">Outcome</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              <th scope="col">Disabled</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.startedAt)}</td>
                <td>{r.dryRun ? 'dry run' : 'sync'}</td>
                <td className={r.outcome === 'failure' ? 'bad' : undefined}>
                  {r.outcome === 'failure' ? (r.report.error ?? 'failed') : 'success'}
                </td>
                <td>{r.report.created.length}</td>
                <td>{r.report.updated.length}</td>
                <td>{r.report.disabled.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
