/**
 * Colleagues: everyone of my organisation with a presence lamp — on the
 * phone, ringing, do not disturb, away, busy, offline, available — and a
 * button to call them from the web phone (me included, as they see me, but
 * not callable). Refreshed every few seconds while the page is visible.
 */
import { useCallback } from 'react';
import { ErrorText, Loading } from '../components/ui.tsx';
import { useSession } from '../app/session.tsx';
import { useLoad } from '../components/use-load.ts';
import { usePolling } from '../components/use-polling.ts';
import { usePhone } from './phone-provider.tsx';
import { lampOf, loadColleagues } from './presence.ts';

export function ColleaguesPage() {
  const phone = usePhone();
  const { me } = useSession();
  const colleagues = useLoad(loadColleagues, []);
  const reload = useCallback(() => colleagues.reload(), [colleagues.reload]);
  usePolling(reload, 5000);
  return (
    <section>
      <h1>Colleagues</h1>
      {colleagues.loading && colleagues.data === null ? <Loading what="colleagues" /> : null}
      <ErrorText error={colleagues.error} />
      {colleagues.data ? (
        <table className="list">
          <caption className="visually-hidden">Colleagues and their presence</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Extension</th>
              <th scope="col">Presence</th>
              <th scope="col">
                <span className="visually-hidden">Call</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {colleagues.data.map((c) => {
              const { words, lamp } = lampOf(c);
              return (
                <tr key={c.userId} data-testid={`colleague-${c.extension}`}>
                  <td>
                    {c.displayName}
                    {c.userId === me?.userId ? ' (you)' : ''}
                  </td>
                  <td>{c.extension}</td>
                  <td>
                    <span className={`presence presence-${lamp}`} aria-hidden="true" />{' '}
                    <span data-testid="presence-words">{words}</span>
                  </td>
                  <td className="actions">
                    {c.userId === me?.userId ? null : (
                      <button
                        type="button"
                        disabled={!phone.ready || phone.call !== null}
                        onClick={() => phone.dial(c.extension)}
                        aria-label={`Call ${c.displayName}`}
                      >
                        Call
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
