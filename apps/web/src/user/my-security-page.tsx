/**
 * My security: confirm it is you (the server asks for a fresh confirmation
 * before any change: the password, or the identity provider or directory for
 * single sign-on accounts), change the password (not for "SSO only"
 * accounts), second factors (authenticator app with QR, passkeys, recovery
 * codes), my linked sign-in identities, and my sessions.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client.ts';
import type { Factor, SessionView } from '../api/types.ts';
import { Link, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import {
  Alert,
  ErrorText,
  Field,
  formatTime,
  Loading,
  ShownOnce,
  Submit,
} from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { createPasskey } from '../login/webauthn.ts';
import { formText } from '../components/form-data.ts';
import { ChangePassword, needsReauth, rotated } from './password-forms.tsx';
import { Reauth, useReauthMethods } from './reauth-form.tsx';
import { LinkedIdentities } from './linked-identities.tsx';

interface TotpEnrolment {
  readonly factor: Factor;
  readonly secret: string;
  readonly uri: string;
  readonly qrSvg: string;
}

function Factors(props: { onNeedReauth: () => void }) {
  const factors = useLoad(() => api<Factor[]>('GET', '/api/v1/auth/mfa/factors'), []);
  const { refresh } = useSession();
  const act = useAction();
  const [totp, setTotp] = useState<TotpEnrolment | null>(null);
  const [codes, setCodes] = useState<readonly string[] | null>(null);

  const guarded = (work: () => Promise<void>) =>
    void act.run(async () => {
      try {
        await work();
      } catch (err) {
        if (err instanceof ApiError && err.details['reason'] === 'reauthentication-required')
          props.onNeedReauth();
        throw err;
      }
    });

  const beginTotp = () =>
    guarded(async () =>
      setTotp(
        await api<TotpEnrolment>('POST', '/api/v1/auth/mfa/totp', { label: 'Authenticator app' }),
      ),
    );

  const confirmTotp = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const code = formText(new FormData(e.currentTarget), 'code').replace(/\s+/g, '');
    if (!totp) return;
    guarded(async () => {
      rotated(await api('POST', `/api/v1/auth/mfa/totp/${totp.factor.id}/confirm`, { code }));
      setTotp(null);
      factors.reload();
      await refresh();
    });
  };

  const addPasskey = () =>
    guarded(async () => {
      const options = await api<unknown>('POST', '/api/v1/auth/mfa/passkey/options', {});
      const response = await createPasskey(options);
      rotated(await api('POST', '/api/v1/auth/mfa/passkey', { response, label: 'Passkey' }));
      factors.reload();
      await refresh();
    });

  const newCodes = () =>
    guarded(async () => {
      const r = await api<{ codes: string[] }>('POST', '/api/v1/auth/mfa/recovery-codes', {});
      rotated(r);
      setCodes(r.codes);
      factors.reload();
    });

  const remove = (f: Factor) => {
    if (!window.confirm(`Remove “${f.label}”?`)) return;
    guarded(async () => {
      rotated(await api('DELETE', `/api/v1/auth/mfa/factors/${f.id}`));
      factors.reload();
    });
  };

  const qrSrc = totp ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(totp.qrSvg)}` : '';

  return (
    <section aria-labelledby="factors-title">
      <h2 id="factors-title">Second factors</h2>
      {factors.loading && !factors.data ? <Loading what="factors" /> : null}
      <ErrorText error={factors.error ?? (needsReauth(act.error) ? null : act.error)} />
      <ul className="plain">
        {(factors.data ?? [])
          .filter((f) => f.confirmed)
          .map((f) => (
            <li key={f.id}>
              <strong>{f.label}</strong> <span className="badge">{f.kind}</span>{' '}
              <span className="hint">
                added {formatTime(f.createdAt)}, last used {formatTime(f.lastUsedAt)}
              </span>{' '}
              <button type="button" className="link" onClick={() => remove(f)}>
                remove
              </button>
            </li>
          ))}
        {factors.data && factors.data.filter((f) => f.confirmed).length === 0 ? (
          <li>None yet.</li>
        ) : null}
      </ul>
      {totp ? (
        <form onSubmit={confirmTotp} className="card" aria-label="Set up an authenticator app">
          <h3>Set up an authenticator app</h3>
          <p>Scan this code with the app, or type the key by hand, then enter the code it shows.</p>
          <img
            src={qrSrc}
            alt="QR code for the authenticator app"
            className="qr"
            width={200}
            height={200}
          />
          <p>
            Key:{' '}
            <code className="secret" data-testid="totp-secret">
              {totp.secret}
            </code>
          </p>
          <Field
            label="Code from the app"
            name="code"
            required
            maxLength={16}
            inputMode="numeric"
            autoComplete="one-time-code"
          />
          <Submit busy={act.busy}>Confirm</Submit>
        </form>
      ) : null}
      {codes ? (
        <ShownOnce title="Recovery codes" onDone={() => setCodes(null)}>
          <p>Each works once, when you cannot use your other factors. Keep them somewhere safe.</p>
          <pre className="secret">{codes.join('\n')}</pre>
        </ShownOnce>
      ) : null}
      <div className="row">
        <button type="button" onClick={beginTotp} disabled={act.busy}>
          Add an authenticator app
        </button>
        <button type="button" onClick={addPasskey} disabled={act.busy}>
          Add a passkey
        </button>
        <button type="button" onClick={newCodes} disabled={act.busy}>
          New recovery codes
        </button>
      </div>
    </section>
  );
}

function Sessions() {
  const sessions = useLoad(() => api<SessionView[]>('GET', '/api/v1/auth/sessions'), []);
  const act = useAction();
  const end = (id: string) =>
    void act.run(async () => {
      await api('DELETE', `/api/v1/auth/sessions/${id}`);
      sessions.reload();
    });
  const endOthers = () =>
    void act.run(async () => {
      await api('POST', '/api/v1/auth/sessions/revoke-others', {});
      sessions.reload();
    });
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions and recent sign-ins</h2>
      {sessions.loading && !sessions.data ? <Loading what="sessions" /> : null}
      <ErrorText error={sessions.error ?? act.error} />
      {sessions.data ? (
        <table className="list">
          <caption className="visually-hidden">My sessions</caption>
          <thead>
            <tr>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">From</th>
              <th scope="col">Browser</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((s) => (
              <tr key={s.id}>
                <td>
                  {formatTime(s.createdAt)}{' '}
                  {s.current ? <span className="badge">this one</span> : null}
                </td>
                <td>{formatTime(s.lastSeenAt)}</td>
                <td>{s.remoteAddress}</td>
                <td className="ua">{s.userAgent}</td>
                <td>
                  {!s.current ? (
                    <button type="button" onClick={() => end(s.id)} disabled={act.busy}>
                      End
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <button type="button" onClick={endOthers} disabled={act.busy}>
        End all my other sessions
      </button>
    </section>
  );
}

export function MySecurityPage() {
  const { me } = useSession();
  const enrolling = useLocation().params.get('enrol') === '1';
  const [fresh, setFresh] = useState(false);
  const [round, setRound] = useState(0);
  const methods = useReauthMethods();
  // An "SSO only" account has no password of its own to change (break-glass admins do).
  const localPassword = !(methods.data?.ssoOnly === true && !methods.data.password);
  return (
    <section>
      <h1>My security</h1>
      {me?.mfaEnrolmentRequired ? (
        <Alert kind="info">Your organisation requires a second factor: add one below.</Alert>
      ) : enrolling && me?.session.kind === 'console' ? (
        <Alert kind="success">
          Second factor set up. <Link to="/console">Continue to the console</Link>
        </Alert>
      ) : null}
      {!fresh ? (
        <Reauth methods={methods} onDone={() => setFresh(true)} />
      ) : (
        <Alert kind="success">
          Confirmed: you can change your {localPassword ? 'password and ' : ''}factors for a few
          minutes.
        </Alert>
      )}
      {localPassword ? <ChangePassword /> : null}
      <Factors
        key={round}
        onNeedReauth={() => {
          setFresh(false);
          setRound(round + 1);
        }}
      />
      {me?.mfaEnrolmentRequired ? null : <LinkedIdentities />}
      {me?.mfaEnrolmentRequired ? null : <Sessions />}
    </section>
  );
}
