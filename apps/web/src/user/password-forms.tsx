/**
 * Password forms shared by My security and the expired-password page:
 * choosing a new password (confirming it is you first is reauth-form.tsx).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, setCsrfToken } from '../api/api-client.ts';
import { Alert, ErrorText, Field, Submit } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { formText } from '../components/form-data.ts';

/** Session rotations hand back a new CSRF token. */
export function rotated(r: unknown): void {
  if (r !== null && typeof r === 'object' && 'csrfToken' in r && typeof r.csrfToken === 'string')
    setCsrfToken(r.csrfToken);
}

/** The server's answer to a security change without a fresh re-authentication (route-kit.ts). */
export const needsReauth = (err: string | null) =>
  err !== null && err.includes('confirm it is you');

export function ChangePassword(props: { onChanged?: () => void; onNeedReauth?: () => void }) {
  const act = useAction();
  const [done, setDone] = useState(false);
  const { onNeedReauth } = props;
  useEffect(() => {
    if (needsReauth(act.error)) onNeedReauth?.();
  }, [act.error, onNeedReauth]);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const password = formText(f, 'password');
    setDone(false);
    if (password !== formText(f, 'confirm')) {
      void act.run(() => Promise.reject(new Error('the two passwords differ')));
      return;
    }
    void act
      .run(() => api('POST', '/api/v1/auth/password', { password }))
      .then((ok) => {
        if (ok) {
          form.reset();
          setDone(true);
          props.onChanged?.();
        }
      });
  };
  return (
    <form onSubmit={submit} aria-label="Change password">
      <h2>Password</h2>
      <div className="grid">
        <NewPasswordField />
        <NewPasswordField label="New password again" name="confirm" />
      </div>
      <ErrorText error={act.error} />
      {done ? <Alert kind="success">Password changed; your other sessions ended.</Alert> : null}
      <Submit busy={act.busy}>Change password</Submit>
    </form>
  );
}

/** A field for a password being chosen (the browser may offer to generate one). */
export function NewPasswordField(props: { label?: string; name?: string }) {
  return (
    <Field
      label={props.label ?? 'New password'}
      name={props.name ?? 'password'}
      type="password"
      required
      maxLength={1024}
      autoComplete="new-password"
    />
  );
}
