/**
 * The tenant's SSO policy: whether administrators marked "SSO only" keep
 * their local password as a break-glass path for when the IdP is down. Off,
 * their local password is refused; on, each such login is audited and
 * raised as a security event (`auth.break-glass`).
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import { CheckField } from '../components/fields.tsx';
import { Alert, ErrorText, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';

interface SsoPolicy {
  readonly breakGlassLocalAdmin: boolean;
}

export function SsoPolicyCard(props: { mayChange: boolean }) {
  const policy = useLoad(() => api<SsoPolicy>('GET', '/api/v1/sso/policy'), []);
  const act = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const breakGlassLocalAdmin = new FormData(e.currentTarget).get('breakGlassLocalAdmin') === 'on';
    setSaved(false);
    void act
      .run(async () => {
        await api<SsoPolicy>('PUT', '/api/v1/sso/policy', { breakGlassLocalAdmin });
      })
      .then((ok) => setSaved(ok));
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Sign-in policy">
      <h2>Sign-in policy</h2>
      <ErrorText error={policy.error} />
      {policy.data ? (
        <fieldset disabled={!props.mayChange}>
          <CheckField
            name="breakGlassLocalAdmin"
            defaultChecked={policy.data.breakGlassLocalAdmin}
            label="Administrators who sign in with SSO only keep their local password (break-glass, for when the identity provider is down)"
          />
          <p className="hint">
            Off: their local password is refused, with a message saying so. On: every such login is
            audited and raised as a security event (auth.break-glass) in the audit log and syslog.
          </p>
          <ErrorText error={act.error} />
          {saved ? <Alert kind="success">Saved.</Alert> : null}
          {props.mayChange ? <Submit busy={act.busy}>Save policy</Submit> : null}
        </fieldset>
      ) : null}
    </form>
  );
}
