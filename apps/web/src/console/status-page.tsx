/** System status from the readiness probe (`/readyz`). */
import { ErrorText, Loading } from '../components/ui.tsx';
import { useLoad } from '../components/use-load.ts';

interface Readiness {
  readonly status?: string;
  readonly checks?: Record<string, unknown>;
}

async function readiness(): Promise<{ ready: boolean; body: Readiness }> {
  // /readyz answers 503 with the same body when a check fails: read both.
  const response = await fetch('/readyz', { cache: 'no-store' }).catch(() => {
    throw new Error('the server could not be reached');
  });
  const body = (await response.json()) as Readiness;
  return { ready: response.ok, body };
}

export function StatusPage() {
  const r = useLoad(readiness, []);
  return (
    <section>
      <h1>System status</h1>
      {r.loading && !r.data ? <Loading what="status" /> : null}
      <ErrorText error={r.error} />
      {r.data ? (
        <>
          <p className={r.data.ready ? 'status-ok' : 'status-bad'} role="status">
            {r.data.ready ? 'Ready: every check passes.' : 'Not ready: see the checks below.'}
          </p>
          <pre className="json">{JSON.stringify(r.data.body, null, 2)}</pre>
        </>
      ) : null}
      <button type="button" onClick={r.reload}>
        Check again
      </button>
    </section>
  );
}
