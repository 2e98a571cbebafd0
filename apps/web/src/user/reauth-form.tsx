/**
 * "Confirm it is you": the server asks for a fresh re-authentication before
 * a security change. What the account has decides the form: the local
 * password (never for an "SSO only" account), "Confirm with <IdP>" (the
 * IdP asks for the password again, then sends the browser back here with
 * `?reauth=oidc`, where the page finishes it, asking Palisade's code when the
 * server wants one), and the directory password for each linked directory.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client.ts';
import type { ReauthMethods } from '../api/types.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { Alert, ErrorText, Field, Loading, Submit } from '../components/ui.tsx';
import { formText } from '../components/form-data.ts';
import { useAction, useLoad, type Loaded } from '../components/use-load.ts';
import { ssoErrorText } from '../login/sso-sign-in.tsx';
import { rotated } from './password-forms.tsx';

/** The categories the server sends in `?reauth_error=` (docs/sso.md), in plain words. */
const REAUTH_ERRORS: Readonly<Record<string, string>> = {
  'identity-mismatch':
    'The identity provider confirmed another account than the one linked to you. Confirm with your own account there.',
  'stale-authentication':
    'The identity provider did not ask for your password again, so it could not confirm it is you. Try again.',
  'session-mismatch':
    'The confirmation was started in another session or tab. Start it again from here.',
  'intent-mismatch': 'The confirmation expired or was started elsewhere. Start it again from here.',
  'state-mismatch': 'The confirmation expired or was started elsewhere. Start it again from here.',
  replayed: 'That confirmation was used already. Start it again from here.',
};

export function reauthErrorText(reason: string): string {
  return REAUTH_ERRORS[reason] ?? ssoErrorText(reason);
}

export function useReauthMethods(): Loaded<ReauthMethods> {
  return useLoad(() => api<ReauthMethods>('GET', '/api/v1/auth/reauth/methods'), []);
}

const codeNeeded = (err: unknown) =>
  err instanceof ApiError && err.code === 'validation_failed' && err.details['field'] === 'code';

function CodeField(props: { label?: string }) {
  return (
    <Field
      label={props.label ?? 'Authenticator code'}
      name="code"
      maxLength={64}
      inputMode="numeric"
      autoComplete="one-time-code"
    />
  );
}

const codeOf = (f: FormData) => {
  const code = formText(f, 'code').replace(/\s+/g, '');
  return code !== '' ? { method: 'totp', code } : {};
};

/** Back from the IdP: finish with `POST /api/v1/auth/reauth/oidc`, with a code when asked. */
function FinishAfterIdp(props: { onDone: () => void }) {
  const { run, busy, error } = useAction();
  const [askCode, setAskCode] = useState(false);
  const { onDone } = props;
  const attempt = useCallback(
    (body: object) => {
      let done = false;
      void run(async () => {
        try {
          rotated(await api('POST', '/api/v1/auth/reauth/oidc', body));
          done = true;
        } catch (err) {
          // The server wants Palisade's own second factor too: ask for it.
          if (!codeNeeded(err)) throw err;
          setAskCode(true);
        }
      }).then(() => done && onDone());
    },
    [run, onDone],
  );
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    attempt({});
  }, [attempt]);
  if (!askCode)
    return (
      <>
        {busy ? <Loading what="the confirmation" /> : null}
        <ErrorText error={error} />
      </>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    attempt(codeOf(new FormData(e.currentTarget)));
  };
  return (
    <form onSubmit={submit} aria-label="Finish confirming">
      <p>
        Your identity provider confirmed it is you. Enter the code of your authenticator app too.
      </p>
      <CodeField />
      <ErrorText error={error} />
      <Submit busy={busy}>Finish</Submit>
    </form>
  );
}

/**
 * A password (the local one, or a directory's) and, when the account has one,
 * the second factor's code, posted to `url`.
 */
function PasswordReauthForm(props: {
  url: string;
  /** The form's accessible name. */
  title: string;
  button: string;
  passwordLabel: string;
  factor: boolean;
  onDone: () => void;
}) {
  const act = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void act
      .run(async () =>
        rotated(await api('POST', props.url, { password: formText(f, 'password'), ...codeOf(f) })),
      )
      .then((ok) => ok && props.onDone());
  };
  return (
    <form onSubmit={submit} aria-label={props.title}>
      <div className="grid">
        <Field
          label={props.passwordLabel}
          name="password"
          type="password"
          required
          maxLength={1024}
          autoComplete="current-password"
        />
        {props.factor ? <CodeField /> : null}
      </div>
      <ErrorText error={act.error} />
      <Submit busy={act.busy}>{props.button}</Submit>
    </form>
  );
}

export function Reauth(props: { methods: Loaded<ReauthMethods>; onDone: () => void }) {
  const { params } = useLocation();
  // The hand-over from the IdP is read once, then taken out of the address bar.
  const [back] = useState(() => ({
    returned: params.get('reauth') === 'oidc',
    error: params.get('reauth_error'),
  }));
  useEffect(() => {
    if (!params.has('reauth') && !params.has('reauth_error')) return;
    const rest = new URLSearchParams(params);
    rest.delete('reauth');
    rest.delete('reauth_error');
    const search = rest.toString();
    navigate(location.pathname + (search === '' ? '' : `?${search}`), true);
  }, [params]);
  const act = useAction();
  const [finishing, setFinishing] = useState(back.returned);
  const m = props.methods.data;
  const oidc = m?.providers.filter((p) => p.kind === 'oidc') ?? [];
  const ldap = m?.providers.filter((p) => p.kind === 'ldap') ?? [];
  const atIdp = (providerId: string) =>
    void act.run(async () => {
      const r = await api<{ authorizationUrl: string }>(
        'POST',
        `/api/v1/sso/oidc/${providerId}/reauth`,
        {},
      );
      window.location.assign(r.authorizationUrl);
    });
  return (
    <section className="card" aria-labelledby="reauth-title">
      <h2 id="reauth-title">Confirm it is you</h2>
      {finishing ? (
        <>
          <FinishAfterIdp onDone={props.onDone} />
          <button type="button" className="link" onClick={() => setFinishing(false)}>
            Start again
          </button>
        </>
      ) : (
        <>
          <p className="hint">
            Changes to your password, second factors and other security settings need you to confirm
            it is you again.
          </p>
          {back.error ? <Alert>Not confirmed: {reauthErrorText(back.error)}</Alert> : null}
          {props.methods.loading && !m ? <Loading what="how you can confirm" /> : null}
          <ErrorText error={props.methods.error ?? act.error} />
          {m?.password ? (
            <PasswordReauthForm
              url="/api/v1/auth/reauth"
              title="Confirm it is you"
              button="Confirm"
              passwordLabel="Current password"
              factor={m.factor}
              onDone={props.onDone}
            />
          ) : null}
          {oidc.length > 0 ? (
            <div className="row sso-buttons">
              {oidc.map((p) => (
                <button key={p.id} type="button" onClick={() => atIdp(p.id)} disabled={act.busy}>
                  Confirm with {p.name}
                </button>
              ))}
            </div>
          ) : null}
          {ldap.map((p) => (
            <PasswordReauthForm
              key={p.id}
              url={`/api/v1/sso/ldap/${p.id}/reauth`}
              title={`Confirm with ${p.name}`}
              button={`Confirm with ${p.name}`}
              passwordLabel={`${p.name} password`}
              factor={m?.factor ?? false}
              onDone={props.onDone}
            />
          ))}
          {m && !m.password && m.providers.length === 0 ? (
            <Alert kind="info">
              Nothing can confirm it is you here: your account has no password and no enabled
              sign-in provider. Ask your administrator.
            </Alert>
          ) : null}
        </>
      )}
    </section>
  );
}
