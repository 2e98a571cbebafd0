/**
 * First-run setup, reached by the single-use link the server prints
 * (`/setup?token=…`): creates the super-admin through `POST /api/v1/setup`.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import { Link, useLocation } from '../app/router.tsx';
import { Alert, ErrorText, Field, Submit } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { formText } from '../components/form-data.ts';

export function SetupPage() {
  const { params } = useLocation();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  const action = useAction();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = formText(f, 'password');
    if (password !== formText(f, 'confirm')) {
      void action.run(() => Promise.reject(new Error('the two passphrases differ')));
      return;
    }
    const email = formText(f, 'email').trim();
    void action
      .run(() =>
        api('POST', '/api/v1/setup', {
          token,
          username: formText(f, 'username').trim(),
          displayName: formText(f, 'displayName').trim(),
          extension: formText(f, 'extension').trim(),
          // An empty field is left out (the server's schema coercion turns null into '').
          ...(email === '' ? {} : { email }),
          password,
        }),
      )
      .then((ok) => setDone(ok));
  };

  if (token === '')
    return (
      <main className="narrow">
        <h1>First-run setup</h1>
        <Alert>
          This page needs the setup link printed by the server at its first start (or by{' '}
          <code>palisade admin setup</code>).
        </Alert>
      </main>
    );

  if (done)
    return (
      <main className="narrow">
        <h1>Palisade is set up</h1>
        <Alert kind="success">The super-admin exists. The setup link no longer works.</Alert>
        <p>
          <Link to="/login?to=console" className="button primary">
            Sign in to the console
          </Link>
        </p>
      </main>
    );

  return (
    <main className="narrow">
      <h1>First-run setup</h1>
      <p>Create the super-admin. There is no default account and no default password.</p>
      <form onSubmit={submit} aria-label="Create the super-admin">
        <Field label="Login name" name="username" required maxLength={64} autoComplete="username" />
        <Field label="Display name" name="displayName" required maxLength={128} />
        <Field label="Extension" name="extension" required maxLength={15} inputMode="numeric" />
        <Field label="E-mail (optional)" name="email" type="email" maxLength={254} />
        <Field
          label="Passphrase"
          name="password"
          type="password"
          required
          minLength={15}
          maxLength={256}
          autoComplete="new-password"
          hint="At least 15 characters; a few unrelated words work well."
        />
        <Field
          label="Passphrase again"
          name="confirm"
          type="password"
          required
          maxLength={256}
          autoComplete="new-password"
        />
        <ErrorText error={action.error} />
        <Submit busy={action.busy}>Create the super-admin</Submit>
      </form>
    </main>
  );
}
