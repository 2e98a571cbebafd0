/** Live SIP registrations, refreshed every few seconds while the page is open and visible. */
import { api, query } from '../api/api-client.ts';
import { ErrorText, formatTime, Loading } from '../components/ui.tsx';
import { useLoad } from '../components/use-load.ts';
import { usePolling } from '../components/use-polling.ts';

interface Registration {
  readonly id: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly aor: string;
  readonly contact: string;
  readonly transport: string;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly userAgent: string;
  readonly expiresAt: number;
  readonly registeredAt: number;
}

const REFRESH_MS = 3_000;

export function RegistrationsPage() {
  const regs = useLoad(
    () => api<Registration[]>('GET', `/api/v1/registrations${query({ limit: 1000 })}`),
    [],
  );
  usePolling(regs.reload, REFRESH_MS);
  return (
    <section>
      <h1>Live registrations</h1>
      <p className="hint">Updates every {REFRESH_MS / 1000} seconds.</p>
      {regs.loading && !regs.data ? <Loading what="registrations" /> : null}
      <ErrorText error={regs.error} />
      {regs.data ? (
        <table className="list">
          <caption className="visually-hidden">Registrations</caption>
          <thead>
            <tr>
              <th scope="col">Address of record</th>
              <th scope="col">Transport</th>
              <th scope="col">From</th>
              <th scope="col">User agent</th>
              <th scope="col">Registered</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {regs.data.map((r) => (
              <tr key={r.id}>
                <td>{r.aor}</td>
                <td>{r.transport}</td>
                <td>
                  {r.sourceAddress}:{r.sourcePort}
                </td>
                <td>{r.userAgent}</td>
                <td>{formatTime(r.registeredAt)}</td>
                <td>{formatTime(r.expiresAt)}</td>
              </tr>
            ))}
            {regs.data.length === 0 ? (
              <tr>
                <td colSpan={6}>No device is registered.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
