/**
 * One login for both areas: password, then whatever the server asks for next
 * (a second factor, a new-network confirmation), then the area. Lockouts and
 * throttling arrive as plain messages from the server.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, describeError, setCsrfToken } from '../api/api-client.ts';
import type { LoginResponse } from '../api/types.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { Alert, ErrorText, Field, Submit } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { SecondFactorStep } from './second-factor-step.tsx';
import { formText } from '../components/form-data.ts';
import { SegmentedChoice, SelectField } from '../components/fields.tsx';
import {
  clearSsoHandOver,
  ssoErrorText,
  ssoPendingStep,
  SsoButtons,
  useLoginOptions,
} from './sso-sign-in.tsx';

type Area = 'app' | 'console';

/** The area the sign-in opens: password, directory and "Sign in with …" alike. */
const AREAS: readonly (readonly [Area, string])[] = [
  ['app', 'User app'],
  ['console', 'Admin console'],
];

interface Pending {
  readonly stage: 'mfa' | 'location';
  readonly loginToken: string;
  readonly methods: readonly string[];
}

export function LoginPage() {
  const { params } = useLocation();
  const session = useSession();
  const [area, setArea] = useState<Area>(params.get('to') === 'console' ? 'console' : 'app');
  const [pending, setPending] = useState<Pending | null>(ssoPendingStep);
  const [ssoError] = useState(() => params.get('sso_error'));
  const [notice, setNotice] = useState<string | null>(null);
  /** '' signs in with the Palisade account, else with this directory (LDAP / AD). */
  const [directory, setDirectory] = useState('');
  const options = useLoginOptions();
  const directories = options.filter((o) => o.kind === 'ldap');
  const action = useAction();
  useEffect(clearSsoHandOver, []);

  const finish = async (r: LoginResponse) => {
    if (r.status === 'active') {
      setCsrfToken(r.csrfToken ?? '');
      await session.refresh();
      const home = (r.session?.kind ?? area) === 'console' ? '/console' : '/app';
      navigate(r.mfaEnrolmentRequired ? '/app/security?enrol=1' : home, true);
      return;
    }
    setPending({ stage: r.status, loginToken: r.loginToken ?? '', methods: r.methods ?? [] });
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const tenantDomain = formText(f, 'tenantDomain').trim();
    setNotice(null);
    const username = formText(f, 'username').trim();
    const password = formText(f, 'password');
    void action.run(async () => {
      const r =
        directory !== ''
          ? await api<LoginResponse>('POST', `/api/v1/sso/ldap/${directory}/login`, {
              username,
              password,
              client: area,
            })
          : await api<LoginResponse>('POST', '/api/v1/auth/login', {
              username,
              password,
              client: area,
              ...(tenantDomain !== '' ? { tenantDomain } : {}),
            });
      await finish(r);
    });
  };

  const continueAfterLocation = () =>
    void action.run(async () => {
      if (!pending) return;
      try {
        const r = await api<LoginResponse>('POST', '/api/v1/auth/login/continue', {
          loginToken: pending.loginToken,
        });
        await finish(r);
      } catch (err) {
        if (err instanceof ApiError && err.status === 403)
          throw new Error('Not confirmed yet: open the link we e-mailed you, then try again.');
        throw err;
      }
    });

  const requestReset = () => {
    const username = (document.getElementById('login-username') as HTMLInputElement | null)?.value;
    if (!username) {
      setNotice('Type your login name first, then ask for a reset link.');
      return;
    }
    void api('POST', '/api/v1/auth/password/reset-request', { username })
      .then(() => setNotice('If the account has an e-mail address, a reset link is on its way.'))
      .catch((err: unknown) => setNotice(describeError(err)));
  };

  if (pending?.stage === 'mfa')
    return (
      <main className="narrow">
        <h1>Second step</h1>
        <SecondFactorStep
          loginToken={pending.loginToken}
          methods={pending.methods}
          onDone={finish}
          onRestart={() => setPending(null)}
        />
      </main>
    );

  if (pending?.stage === 'location')
    return (
      <main className="narrow">
        <h1>Confirm this sign-in</h1>
        <Alert kind="info">
          You are signing in from a network we have not seen for this account. We e-mailed you a
          link: open it, then continue here.
        </Alert>
        <ErrorText error={action.error} />
        <div className="row">
          <button
            type="button"
            className="primary"
            onClick={continueAfterLocation}
            disabled={action.busy}
          >
            I opened the link: continue
          </button>
          <button type="button" onClick={() => setPending(null)}>
            Start again
          </button>
        </div>
      </main>
    );

  return (
    <main className="narrow">
      <h1>Sign in to Palisade</h1>
      {ssoError ? <Alert>{ssoErrorText(ssoError)}</Alert> : null}
      <form onSubmit={submit} aria-label="Sign in">
        <SegmentedChoice
          legend="Open"
          name="area"
          options={AREAS}
          value={area}
          onChange={setArea}
        />
        <SsoButtons options={options} area={area} />
        {directories.length > 0 ? (
          <SelectField
            label="Account"
            name="directory"
            value={directory}
            onChange={(e) => setDirectory(e.target.value)}
          >
            <option value="">Palisade account</option>
            {directories.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} (directory)
              </option>
            ))}
          </SelectField>
        ) : null}
        <Field
          id="login-username"
          label="Login name"
          name="username"
          required
          maxLength={128}
          autoComplete="username"
          autoFocus
        />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          maxLength={1024}
          autoComplete="current-password"
        />
        <details hidden={directory !== ''}>
          <summary>Another organisation</summary>
          <Field
            label="Organisation's SIP domain"
            name="tenantDomain"
            maxLength={253}
            pattern="[A-Za-z0-9.\-]+"
          />
        </details>
        <ErrorText error={action.error} />
        {notice ? <Alert kind="info">{notice}</Alert> : null}
        <Submit busy={action.busy}>Sign in</Submit>
        <button type="button" className="link" onClick={requestReset}>
          Forgot your password?
        </button>
      </form>
    </main>
  );
}
