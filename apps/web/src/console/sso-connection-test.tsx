/** "Test connection": runs the server's step-by-step check and tells what went wrong in plain words. */
import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { ConnectionReport, SsoProvider } from '../api/types.ts';
import { Alert, ErrorText } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';

const STEP_NAMES: Readonly<Record<string, string>> = {
  discovery: 'Discovery',
  endpoints: 'Endpoints',
  algorithm: 'Signature algorithm',
  pkce: 'PKCE',
  keys: 'Signing keys',
  dns: 'Name lookup (DNS)',
  tcp: 'TCP connection',
  tls: 'TLS certificate',
  bind: 'Service account',
  'search-base': 'Search base',
};

export function ConnectionTest(props: { provider: SsoProvider }) {
  const act = useAction();
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const run = () => {
    setReport(null);
    void act.run(async () => {
      setReport(
        await api<ConnectionReport>('POST', `/api/v1/sso/providers/${props.provider.id}/test`),
      );
    });
  };
  const failed = report?.checks.find((c) => !c.ok);
  return (
    <section aria-labelledby="connection-test-title">
      <h3 id="connection-test-title">Connection</h3>
      <p className="hint">Tests the saved settings, as a sign-in would use them.</p>
      <button type="button" onClick={run} disabled={act.busy} aria-busy={act.busy}>
        {act.busy ? 'Testing…' : 'Test connection'}
      </button>
      <ErrorText error={act.error} />
      {report ? (
        <div aria-label="Connection test result">
          {report.ok ? (
            <Alert kind="success">Connection works: every step passed.</Alert>
          ) : (
            <Alert>
              Connection failed at “{STEP_NAMES[failed?.step ?? ''] ?? failed?.step}”:{' '}
              {failed?.message ?? 'see below'}.
            </Alert>
          )}
          <ul className="plain">
            {report.checks.map((c) => (
              <li key={c.step}>
                <span className={c.ok ? 'status-ok' : 'status-bad'}>{c.ok ? '✓' : '✗'}</span>{' '}
                <strong>{STEP_NAMES[c.step] ?? c.step}</strong>: {c.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
