/**
 * Create or edit an OpenID Connect provider: presets for Google and
 * Microsoft 365 / Entra ID (its tenant id) or any standard IdP. The client
 * secret is write-only: typed here, stored sealed, never sent back.
 */
import { useState, type FormEvent } from 'react';
import type { Group, IdTokenAlg, OidcConfig, OidcPreset, SsoProvider } from '../api/types.ts';
import { CheckField, SelectField, TextAreaField, wordList } from '../components/fields.tsx';
import { formText } from '../components/form-data.ts';
import { Field } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { SecretField } from './sso-secret-field.tsx';
import { ProviderFormEnd, saveProvider } from './sso-provider-save.tsx';
import { ProvisioningFields, provisioningFrom } from './sso-provisioning-fields.tsx';

type OidcProvider = SsoProvider & { kind: 'oidc' };

const DEFAULTS: OidcConfig = {
  preset: 'google',
  issuer: '',
  clientId: '',
  scopes: ['openid', 'email', 'profile'],
  idTokenAlg: 'RS256',
  allowHttpLoopback: false,
  trustIdpMfa: false,
  mfaAcrValues: [],
  jitCreate: false,
  allowedEmailDomains: [],
  defaultGroupId: null,
};

const PRESET_NAMES: Readonly<Record<OidcPreset, string>> = {
  google: 'Google',
  microsoft: 'Microsoft 365',
  generic: '',
};

const ALGS: readonly IdTokenAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** The Directory (tenant) ID inside a Microsoft issuer URL. */
function entraTenant(issuer: string): string {
  return (
    /^https:\/\/login\.microsoftonline\.com\/([0-9a-fA-F-]{36})\/v2\.0$/.exec(issuer)?.[1] ?? ''
  );
}

export function OidcProviderForm(props: {
  provider?: OidcProvider;
  groups: readonly Group[];
  onSaved: (p: SsoProvider) => void;
}) {
  const current = props.provider?.config ?? DEFAULTS;
  const [preset, setPreset] = useState<OidcPreset>(current.preset);
  const [name, setName] = useState(props.provider?.name ?? PRESET_NAMES[current.preset]);
  const act = useAction();

  const choosePreset = (p: OidcPreset) => {
    setPreset(p);
    if (!props.provider && Object.values(PRESET_NAMES).includes(name)) setName(PRESET_NAMES[p]);
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const tenant = formText(f, 'microsoftTenantId').trim();
    const config: OidcConfig & { microsoftTenantId?: string } = {
      preset,
      issuer: preset === 'generic' ? formText(f, 'issuer').trim() : '',
      ...(preset === 'microsoft' ? { microsoftTenantId: tenant } : {}),
      clientId: formText(f, 'clientId').trim(),
      scopes: wordList(formText(f, 'scopes')),
      idTokenAlg: ALGS.find((a) => a === formText(f, 'idTokenAlg')) ?? 'RS256',
      allowHttpLoopback: f.get('allowHttpLoopback') === 'on',
      trustIdpMfa: f.get('trustIdpMfa') === 'on',
      mfaAcrValues: wordList(formText(f, 'mfaAcrValues')),
      ...provisioningFrom(f, current),
    };
    void act.run(async () => {
      props.onSaved(await saveProvider('oidc', props.provider, f, { name: name.trim(), config }));
    });
  };

  return (
    <form
      onSubmit={submit}
      aria-label={props.provider ? 'OpenID Connect settings' : 'New OpenID Connect provider'}
    >
      <fieldset>
        <legend>Identity provider</legend>
        <SelectField
          label="Preset"
          name="preset"
          value={preset}
          onChange={(e) => choosePreset(e.target.value as OidcPreset)}
        >
          <option value="google">Google Workspace</option>
          <option value="microsoft">Microsoft 365 / Entra ID</option>
          <option value="generic">Other OpenID Connect provider</option>
        </SelectField>
        <Field
          label="Name on the login page"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          hint="The login page shows “Sign in with” and this name."
        />
        {preset === 'google' ? (
          <p className="hint">Issuer: https://accounts.google.com</p>
        ) : preset === 'microsoft' ? (
          <Field
            label="Directory (tenant) ID"
            name="microsoftTenantId"
            defaultValue={entraTenant(current.issuer)}
            required
            maxLength={36}
            pattern="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            hint="From the app registration's Overview in the Entra admin center (a GUID). “common” and “organizations” are refused: any Microsoft account could sign in."
          />
        ) : (
          <Field
            label="Issuer URL"
            name="issuer"
            type="url"
            defaultValue={current.issuer}
            required
            maxLength={512}
            hint="Its /.well-known/openid-configuration must answer with the same issuer."
          />
        )}
        <Field
          label="Client ID"
          name="clientId"
          defaultValue={current.clientId}
          required
          maxLength={256}
          autoComplete="off"
        />
        <SecretField
          label="Client secret"
          hasSecret={props.provider?.hasSecret ?? false}
          editing={props.provider !== undefined}
        />
      </fieldset>
      <fieldset>
        <legend>Second factor</legend>
        <CheckField
          name="trustIdpMfa"
          defaultChecked={current.trustIdpMfa}
          label="Trust this provider's second factor where Palisade requires MFA (when the ID token says one was used)"
        />
        <TextAreaField
          label="acr values that count as a second factor"
          name="mfaAcrValues"
          rows={2}
          defaultValue={current.mfaAcrValues.join('\n')}
          hint="One per line; only values your IdP really sends. amr values (mfa, otp, hwk…) always count when trusted."
        />
      </fieldset>
      <ProvisioningFields values={current} groups={props.groups} kind="oidc" />
      <details>
        <summary>Advanced</summary>
        <Field
          label="Scopes"
          name="scopes"
          defaultValue={current.scopes.join(' ')}
          required
          maxLength={600}
          hint="Separated by spaces; openid is required."
        />
        <SelectField label="ID token signature" name="idTokenAlg" defaultValue={current.idTokenAlg}>
          {ALGS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </SelectField>
        <CheckField
          name="allowHttpLoopback"
          defaultChecked={current.allowHttpLoopback}
          label="Allow plain http:// for an identity provider on this machine (127.0.0.1; development and tests only)"
        />
      </details>
      <ProviderFormEnd
        editing={props.provider !== undefined}
        enableLabel="Show it on the login page now (you can test it first)"
        addLabel="Add provider"
        error={act.error}
        busy={act.busy}
      />
    </form>
  );
}
