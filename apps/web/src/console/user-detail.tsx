/** One user: edit, disable, "SSO only", set a password, and the devices. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { User } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { Alert, ErrorText, Field, Submit } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { DevicesPanel } from './devices-panel.tsx';
import { UserSsoOnly } from './user-sso-only.tsx';
import { formText } from '../components/form-data.ts';
import { NewPasswordField } from '../user/password-forms.tsx';

export function UserDetail(props: { user: User; onChanged: () => void; onClose: () => void }) {
  const { can } = useSession();
  const u = props.user;
  const edit = useAction();
  const pw = useAction();
  const [pwDone, setPwDone] = useState(false);
  const mayChange = can('users:change');

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => formText(f, k).trim();
    void edit.run(async () => {
      await api('PATCH', `/api/v1/users/${u.id}`, {
        displayName: text('displayName'),
        extension: text('extension'),
        ...(text('email') ? { email: text('email') } : {}),
        ...(text('mobile') ? { mobile: text('mobile') } : {}),
      });
      props.onChanged();
    });
  };

  const toggleState = () =>
    void edit.run(async () => {
      await api('PATCH', `/api/v1/users/${u.id}`, {
        state: u.state === 'active' ? 'disabled' : 'active',
      });
      props.onChanged();
    });

  const setPassword = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const password = formText(new FormData(form), 'password');
    setPwDone(false);
    void pw
      .run(() => api('POST', `/api/v1/users/${u.id}/password`, { password }))
      .then((ok) => {
        if (ok) {
          form.reset();
          setPwDone(true);
        }
      });
  };

  return (
    <section className="card" aria-labelledby="user-detail-title">
      <div className="row">
        <h2 id="user-detail-title">
          {u.displayName} ({u.username})
        </h2>
        <span className="spacer" />
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      <form onSubmit={save} aria-label="Edit user">
        <div className="grid">
          <Field
            label="Display name"
            name="displayName"
            defaultValue={u.displayName}
            required
            maxLength={128}
            disabled={!mayChange}
          />
          <Field
            label="Extension"
            name="extension"
            defaultValue={u.extension}
            required
            maxLength={15}
            disabled={!mayChange}
          />
          <Field
            label="E-mail"
            name="email"
            type="email"
            defaultValue={u.email ?? ''}
            maxLength={254}
            disabled={!mayChange}
          />
          <Field
            label="Mobile"
            name="mobile"
            type="tel"
            defaultValue={u.mobile ?? ''}
            maxLength={21}
            disabled={!mayChange}
          />
        </div>
        <ErrorText error={edit.error} />
        {mayChange ? (
          <div className="row">
            <Submit busy={edit.busy}>Save</Submit>
            {!u.isSuperAdmin ? (
              <button
                type="button"
                className={u.state === 'active' ? 'danger' : undefined}
                onClick={toggleState}
                disabled={edit.busy}
              >
                {u.state === 'active' ? 'Disable user' : 'Enable user'}
              </button>
            ) : null}
          </div>
        ) : null}
      </form>
      <UserSsoOnly userId={u.id} mayChange={mayChange} />
      {mayChange ? (
        <form onSubmit={setPassword} aria-label="Set password">
          <h3>Set a password</h3>
          <p className="hint">The user's sessions end; the tenant's password policy applies.</p>
          <NewPasswordField />
          <ErrorText error={pw.error} />
          {pwDone ? <Alert kind="success">Password set.</Alert> : null}
          <Submit busy={pw.busy}>Set password</Submit>
        </form>
      ) : null}
      {can('devices:view') ? <DevicesPanel user={u} /> : null}
    </section>
  );
}
