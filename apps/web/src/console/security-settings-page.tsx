/** The tenant's identity settings: password policy preset, MFA rules, location check, trusted origins. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { Group, IdentitySettings } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { Alert, ErrorText, Loading, Submit } from '../components/ui.tsx';
import { useAction, useLoad } from '../components/use-load.ts';
import { formText, formTexts } from '../components/form-data.ts';

function SettingsForm(props: {
  settings: IdentitySettings;
  groups: readonly Group[];
  readOnly: boolean;
}) {
  const s = props.settings;
  const act = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const origins = formText(f, 'trustedOrigins')
      .split(/\s+/)
      .map((o) => o.trim())
      .filter((o) => o !== '');
    setSaved(false);
    void act.run(async () => {
      await api<IdentitySettings>('PATCH', '/api/v1/security/identity', {
        passwordPreset: f.get('passwordPreset') === 'vendor-compat' ? 'vendor-compat' : 'standards',
        mfaForAll: f.get('mfaForAll') === 'on',
        mfaGroupIds: formTexts(f, 'mfaGroupIds'),
        locationMfa: f.get('locationMfa') === 'on',
        trustedOrigins: origins,
      });
      setSaved(true);
    });
  };
  return (
    <form onSubmit={submit} aria-label="Security settings">
      <fieldset disabled={props.readOnly}>
        <legend>Password policy</legend>
        <label className="check">
          <input
            type="radio"
            name="passwordPreset"
            value="standards"
            defaultChecked={s.passwordPreset === 'standards'}
          />
          Standards (long passphrases, breached-password check, no composition rules)
        </label>
        <label className="check">
          <input
            type="radio"
            name="passwordPreset"
            value="vendor-compat"
            defaultChecked={s.passwordPreset === 'vendor-compat'}
          />
          Vendor compatible (shorter with composition rules)
        </label>
      </fieldset>
      <fieldset disabled={props.readOnly}>
        <legend>Second factor</legend>
        <label className="check">
          <input type="checkbox" name="mfaForAll" defaultChecked={s.mfaForAll} /> Required for
          everyone
        </label>
        {props.groups.length > 0 ? <p className="hint">Or required for members of:</p> : null}
        <div className="checks">
          {props.groups.map((g) => (
            <label key={g.id} className="check">
              <input
                type="checkbox"
                name="mfaGroupIds"
                value={g.id}
                defaultChecked={s.mfaGroupIds.includes(g.id)}
              />
              {g.name}
            </label>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" name="locationMfa" defaultChecked={s.locationMfa} /> Confirm
          sign-ins from a new network by e-mail
        </label>
      </fieldset>
      <fieldset disabled={props.readOnly}>
        <legend>Trusted origins (cross-site requests)</legend>
        <label htmlFor="trusted-origins">
          One origin per line, such as https://intranet.example.com
        </label>
        <textarea
          id="trusted-origins"
          name="trustedOrigins"
          rows={4}
          defaultValue={s.trustedOrigins.join('\n')}
        />
      </fieldset>
      <p className="hint">
        Session timeouts are server settings: identity.consoleIdleMinutes, identity.appIdleMinutes
        and their absolute limits.
      </p>
      <ErrorText error={act.error} />
      {saved ? <Alert kind="success">Saved.</Alert> : null}
      {!props.readOnly ? <Submit busy={act.busy}>Save settings</Submit> : null}
    </form>
  );
}

export function SecuritySettingsPage() {
  const { can } = useSession();
  const settings = useLoad(() => api<IdentitySettings>('GET', '/api/v1/security/identity'), []);
  const groups = useLoad(
    () => (can('groups:view') ? api<Group[]>('GET', '/api/v1/groups') : Promise.resolve([])),
    [],
  );
  return (
    <section>
      <h1>Security settings</h1>
      {settings.loading && !settings.data ? <Loading what="settings" /> : null}
      <ErrorText error={settings.error} />
      {settings.data ? (
        <SettingsForm
          settings={settings.data}
          groups={groups.data ?? []}
          readOnly={!can('security:change')}
        />
      ) : null}
    </section>
  );
}
