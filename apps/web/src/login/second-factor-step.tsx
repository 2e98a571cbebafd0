/** The second step of a login: the user picks one of the factors the server offers. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { LoginResponse } from '../api/types.ts';
import { Alert, ErrorText, Field, Submit } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { getPasskeyAssertion } from './webauthn.ts';
import { formText } from '../components/form-data.ts';
import { SegmentedChoice } from '../components/fields.tsx';

const LABELS: Record<string, string> = {
  totp: 'Authenticator app',
  passkey: 'Passkey',
  email: 'Code by e-mail',
  sms: 'Code by SMS',
  recovery: 'Recovery code',
};

export function SecondFactorStep(props: {
  loginToken: string;
  methods: readonly string[];
  onDone: (r: LoginResponse) => Promise<void>;
  onRestart: () => void;
}) {
  const offered = props.methods.filter((m) => m in LABELS);
  const [method, setMethod] = useState(offered[0] ?? 'totp');
  const [sent, setSent] = useState<string | null>(null);
  const action = useAction();

  const sendCode = () =>
    void action.run(async () => {
      await api('POST', '/api/v1/auth/login/code', { loginToken: props.loginToken, method });
      setSent(
        method === 'email'
          ? 'A code is on its way to your e-mail.'
          : 'A code is on its way by SMS.',
      );
    });

  const usePasskey = () =>
    void action.run(async () => {
      const options = await api<unknown>('POST', '/api/v1/auth/login/passkey/options', {
        loginToken: props.loginToken,
      });
      const response = await getPasskeyAssertion(options);
      await props.onDone(
        await api<LoginResponse>('POST', '/api/v1/auth/login/passkey', {
          loginToken: props.loginToken,
          response,
        }),
      );
    });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const code = formText(new FormData(e.currentTarget), 'code').replace(/\s+/g, '');
    void action.run(async () =>
      props.onDone(
        await api<LoginResponse>('POST', '/api/v1/auth/login/mfa', {
          loginToken: props.loginToken,
          method,
          code,
        }),
      ),
    );
  };

  return (
    <div>
      {offered.length > 1 ? (
        <SegmentedChoice
          legend="Verify with"
          name="method"
          options={offered.map((m) => [m, LABELS[m] ?? m] as const)}
          value={method}
          onChange={(m) => {
            setMethod(m);
            setSent(null);
            action.clear();
          }}
        />
      ) : null}
      {method === 'passkey' ? (
        <div>
          <p>Use the passkey on this device or your security key.</p>
          <ErrorText error={action.error} />
          <button type="button" className="primary" onClick={usePasskey} disabled={action.busy}>
            Use a passkey
          </button>
        </div>
      ) : (
        <form onSubmit={submit} aria-label="Second factor">
          {method === 'email' || method === 'sms' ? (
            <p>
              <button type="button" onClick={sendCode} disabled={action.busy}>
                Send me a code
              </button>
            </p>
          ) : null}
          {sent ? <Alert kind="info">{sent}</Alert> : null}
          <Field
            label={method === 'recovery' ? 'Recovery code' : 'Code'}
            name="code"
            required
            maxLength={64}
            autoComplete="one-time-code"
            inputMode={method === 'recovery' ? 'text' : 'numeric'}
            autoFocus
          />
          <ErrorText error={action.error} />
          <Submit busy={action.busy}>Verify</Submit>
        </form>
      )}
      <button type="button" className="link" onClick={props.onRestart}>
        Start again
      </button>
    </div>
  );
}
