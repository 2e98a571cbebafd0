/**
 * My sign-in identities: the IdP and directory identities linked to my
 * account, unlink, and "link another" (the IdP's login, then back here).
 */
import { api } from '../api/api-client.ts';
import type { LinkedIdentity } from '../api/types.ts';
import { useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { Alert, ErrorText, formatTime, Loading } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { ssoErrorText, useLoginOptions } from '../login/sso-sign-in.tsx';

export function LinkedIdentities() {
  const { me } = useSession();
  const { params } = useLocation();
  const identities = useLoad(() => api<LinkedIdentity[]>('GET', '/api/v1/me/identities'), []);
  const options = useLoginOptions();
  const act = useAction();
  const linkable = options.filter((o) => o.kind === 'oidc');
  // The console's session cookie is SameSite=Strict: it does not come back with the IdP's redirect.
  const canLink = me?.session.kind !== 'console';
  const nameOf = (i: LinkedIdentity) =>
    options.find((o) => o.id === i.providerId)?.name ?? i.issuer;
  const ssoError = params.get('sso_error');

  const unlink = (i: LinkedIdentity) => {
    if (!window.confirm(`Unlink ${i.email ?? i.subject} (${nameOf(i)})?`)) return;
    void act.run(async () => {
      await api('DELETE', `/api/v1/me/identities/${i.id}`);
      identities.reload();
    });
  };
  const link = (providerId: string) =>
    void act.run(async () => {
      const r = await api<{ authorizationUrl: string }>(
        'POST',
        `/api/v1/sso/oidc/${providerId}/link`,
      );
      window.location.assign(r.authorizationUrl);
    });

  return (
    <section aria-labelledby="identities-title">
      <h2 id="identities-title">Sign-in identities</h2>
      <p className="hint">
        Company accounts you can sign in with instead of your password. Each is known by the
        provider's own id for you, never by e-mail alone.
      </p>
      {params.get('sso_linked') === '1' ? (
        <Alert kind="success">Identity linked: you can sign in with it now.</Alert>
      ) : null}
      {ssoError ? <Alert>Not linked: {ssoErrorText(ssoError)}</Alert> : null}
      {identities.loading && !identities.data ? <Loading what="identities" /> : null}
      <ErrorText error={identities.error ?? act.error} />
      {identities.data ? (
        <table className="list">
          <caption className="visually-hidden">My sign-in identities</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Account there</th>
              <th scope="col">Linked</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {identities.data.map((i) => (
              <tr key={i.id}>
                <td>{nameOf(i)}</td>
                <td>
                  {i.email ?? i.subject}
                  {i.email ? <small className="hint"> (id {i.subject})</small> : null}
                </td>
                <td>{formatTime(i.linkedAt)}</td>
                <td>{formatTime(i.lastLoginAt)}</td>
                <td>
                  <button type="button" onClick={() => unlink(i)} disabled={act.busy}>
                    Unlink
                  </button>
                </td>
              </tr>
            ))}
            {identities.data.length === 0 ? (
              <tr>
                <td colSpan={5}>None linked.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
      {linkable.length > 0 ? (
        canLink ? (
          <div className="row">
            {linkable.map((o) => (
              <button key={o.id} type="button" onClick={() => link(o.id)} disabled={act.busy}>
                Link a {o.name} account
              </button>
            ))}
          </div>
        ) : (
          <p className="hint">To link another identity, sign in to the user app.</p>
        )
      ) : null}
    </section>
  );
}
