/**
 * Calls in progress, refreshed every few seconds while the page is open and
 * visible. Who calls whom, the state, how long, and how each phone is
 * connected (SIP transport and media profile); an admin who may change
 * calls can hang up an answered one.
 */
import { api } from '../api/api-client.ts';
import { useSession } from '../app/session.tsx';
import { ErrorText, formatTime, Loading } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { usePolling } from '../components/use-polling.ts';

interface Party {
  readonly userId: string | null;
  readonly extension: string | null;
  readonly displayName: string | null;
  readonly transport: string | null;
  readonly media: string | null;
}

interface LiveCall {
  readonly id: string;
  readonly state: 'ringing' | 'answered' | 'held';
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly caller: Party;
  readonly callee: Party & { readonly number: string };
}

const REFRESH_MS = 2_000;

const STATE_LABEL: Record<LiveCall['state'], string> = {
  ringing: 'Ringing',
  answered: 'Talking',
  held: 'On hold',
};

/** m:ss (or h:mm:ss) since `from`. */
function elapsed(from: number, now: number): string {
  const s = Math.max(0, Math.floor((now - from) / 1000));
  const mmss = `${Math.floor(s / 60) % 60}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, '0')}` : mmss;
}

function nameOf(p: Party, fallback = ''): string {
  if (p.displayName && p.extension) return `${p.displayName} (${p.extension})`;
  return p.extension ?? fallback;
}

function legOf(p: Party): string {
  return p.transport && p.media ? `${p.transport} · ${p.media}` : '—';
}

export function LiveCallsPage() {
  const { can } = useSession();
  const mayHangUp = can('calls:change');
  const calls = useLoad(() => api<LiveCall[]>('GET', '/api/v1/calls/active'), []);
  usePolling(calls.reload, REFRESH_MS);
  const act = useAction();
  const now = Date.now();

  const hangUp = (c: LiveCall) => {
    const label = `${nameOf(c.caller)} → ${nameOf(c.callee, c.callee.number)}`;
    if (!window.confirm(`Hang up the call ${label}? Both phones are disconnected.`)) return;
    void act.run(async () => {
      await api('DELETE', `/api/v1/calls/active/${encodeURIComponent(c.id)}`);
      calls.reload();
    });
  };

  const count = calls.data?.length ?? 0;
  return (
    <section>
      <h1>Live calls</h1>
      <p className="hint">Updates every {REFRESH_MS / 1000} seconds.</p>
      {calls.loading && !calls.data ? <Loading what="calls" /> : null}
      <ErrorText error={calls.error} />
      <ErrorText error={act.error} />
      {calls.data ? (
        <>
          <p role="status" aria-live="polite">
            {count === 0
              ? 'No call in progress.'
              : `${count} call${count === 1 ? '' : 's'} in progress.`}
          </p>
          {count === 0 ? null : (
            <table className="list">
              <caption className="visually-hidden">Calls in progress</caption>
              <thead>
                <tr>
                  <th scope="col">Caller</th>
                  <th scope="col">Callee</th>
                  <th scope="col">State</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Caller's phone</th>
                  <th scope="col">Callee's phone</th>
                  {mayHangUp ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {calls.data.map((c) => (
                  <tr key={c.id}>
                    <td>{nameOf(c.caller)}</td>
                    <td>
                      {c.callee.number}
                      {c.callee.displayName ? ` — ${c.callee.displayName}` : ''}
                    </td>
                    <td>{STATE_LABEL[c.state]}</td>
                    <td>{formatTime(c.startedAt)}</td>
                    <td>{elapsed(c.answeredAt ?? c.startedAt, now)}</td>
                    <td>{legOf(c.caller)}</td>
                    <td>{legOf(c.callee)}</td>
                    {mayHangUp ? (
                      <td className="actions">
                        {c.state === 'ringing' ? null : (
                          <button
                            type="button"
                            className="danger"
                            disabled={act.busy}
                            aria-label={`Hang up the call from ${nameOf(c.caller)} to ${c.callee.number}`}
                            onClick={() => hangUp(c)}
                          >
                            Hang up
                          </button>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}
