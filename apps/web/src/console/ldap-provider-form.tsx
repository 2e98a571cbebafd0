/**
 * Create or edit an LDAP / Active Directory provider: presets for AD and
 * OpenLDAP fill the attribute mapping, TLS is LDAPS or StartTLS (plain LDAP
 * is refused by the server), the CA certificate checks the server, and
 * directory groups map to ACL groups. The service password is write-only.
 */
import { useState, type FormEvent } from 'react';
import type {
  Group,
  LdapAttributes,
  LdapConfig,
  LdapPreset,
  LdapPresets,
  SsoProvider,
} from '../api/types.ts';
import { CheckField, SelectField, TextAreaField } from '../components/fields.tsx';
import { formText } from '../components/form-data.ts';
import { Alert, Field } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { SecretField } from './sso-secret-field.tsx';
import { ProviderFormEnd, saveProvider } from './sso-provider-save.tsx';
import { ProvisioningFields, provisioningFrom } from './sso-provisioning-fields.tsx';

type LdapProvider = SsoProvider & { kind: 'ldap' };

const ATTRIBUTE_FIELDS: readonly {
  key: keyof LdapAttributes;
  label: string;
  optional: boolean;
}[] = [
  { key: 'username', label: 'Login name', optional: false },
  { key: 'alternateLogin', label: 'Also accepted as login', optional: true },
  { key: 'email', label: 'E-mail', optional: false },
  { key: 'displayName', label: 'Display name', optional: false },
  { key: 'phone', label: 'Phone', optional: false },
  { key: 'memberOf', label: 'Group membership (on the user)', optional: true },
  { key: 'uniqueId', label: 'Stable unique id', optional: false },
  { key: 'accountControl', label: 'Account control (AD disabled flag)', optional: true },
];

interface Mapping {
  readonly key: number;
  readonly ldapGroupDn: string;
  readonly groupId: string;
}

let nextKey = 0;

function GroupMappings(props: {
  mappings: readonly Mapping[];
  groups: readonly Group[];
  onChange: (m: Mapping[]) => void;
}) {
  const set = (key: number, change: Partial<Mapping>) =>
    props.onChange(props.mappings.map((m) => (m.key === key ? { ...m, ...change } : m)));
  return (
    <fieldset>
      <legend>Directory groups → ACL groups</legend>
      <p className="hint">
        A sync adds and removes memberships of mapped groups only; groups given by hand stay.
      </p>
      {props.mappings.map((m, i) => (
        <div className="row" key={m.key}>
          <Field
            label={`Directory group DN ${i + 1}`}
            value={m.ldapGroupDn}
            onChange={(e) => set(m.key, { ldapGroupDn: e.target.value })}
            required
            maxLength={1024}
          />
          <SelectField
            label={`ACL group ${i + 1}`}
            value={m.groupId}
            onChange={(e) => set(m.key, { groupId: e.target.value })}
            required
          >
            <option value="">Choose…</option>
            {props.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </SelectField>
          <button
            type="button"
            onClick={() => props.onChange(props.mappings.filter((x) => x.key !== m.key))}
          >
            Remove mapping {i + 1}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          props.onChange([...props.mappings, { key: nextKey++, ldapGroupDn: '', groupId: '' }])
        }
      >
        Add a group mapping
      </button>
    </fieldset>
  );
}

const nullable = (v: string) => (v.trim() === '' ? null : v.trim());

export function LdapProviderForm(props: {
  provider?: LdapProvider;
  groups: readonly Group[];
  /** The server's presets (`GET /api/v1/sso/presets`). */
  presets: LdapPresets;
  onSaved: (p: SsoProvider) => void;
}) {
  const c = props.provider?.config;
  const [preset, setPreset] = useState<LdapPreset>(c?.preset ?? 'active-directory');
  const [tls, setTls] = useState<'ldaps' | 'starttls'>(c?.startTls ? 'starttls' : 'ldaps');
  const [anyCert, setAnyCert] = useState(c?.allowAnyCertificate ?? false);
  const [mappings, setMappings] = useState<Mapping[]>(
    (c?.groupMappings ?? []).map((m) => ({ ...m, key: nextKey++ })),
  );
  const act = useAction();
  // A new provider takes the preset's mapping; an existing one keeps its own until the preset changes.
  const defaults =
    c && c.preset === preset
      ? { attributes: c.attributes, userFilter: c.userFilter }
      : props.presets[preset];

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => formText(f, k).trim();
    const attributes = Object.fromEntries(
      ATTRIBUTE_FIELDS.map((a) => [
        a.key,
        a.optional ? nullable(text(`attr-${a.key}`)) : text(`attr-${a.key}`),
      ]),
    ) as unknown as LdapAttributes;
    const groupBase = text('groupBaseDn');
    const config: LdapConfig = {
      preset,
      url: text('url'),
      startTls: tls === 'starttls',
      caPem: nullable(formText(f, 'caPem')),
      allowAnyCertificate: anyCert,
      bindDn: text('bindDn'),
      baseDn: text('baseDn'),
      userFilter: text('userFilter'),
      attributes,
      groupSearch:
        groupBase === ''
          ? null
          : {
              baseDn: groupBase,
              objectClass: text('groupObjectClass'),
              memberAttribute: text('groupMemberAttribute'),
            },
      groupMappings: mappings.map((m) => ({
        ldapGroupDn: m.ldapGroupDn.trim(),
        groupId: m.groupId,
      })),
      timeoutMs: Number(text('timeoutSeconds')) * 1000,
      syncIntervalMinutes: Number(text('syncIntervalMinutes')),
      ...provisioningFrom(
        f,
        c ?? { jitCreate: false, allowedEmailDomains: [], defaultGroupId: null },
      ),
    };
    void act.run(async () => {
      props.onSaved(await saveProvider('ldap', props.provider, f, { name: text('name'), config }));
    });
  };

  return (
    <form
      onSubmit={submit}
      aria-label={props.provider ? 'Directory settings' : 'New directory provider'}
    >
      <fieldset>
        <legend>Directory</legend>
        <SelectField
          label="Preset"
          name="preset"
          value={preset}
          onChange={(e) => setPreset(e.target.value as LdapPreset)}
          hint="Fills the filter and the attribute mapping below."
        >
          <option value="active-directory">Active Directory</option>
          <option value="openldap">OpenLDAP</option>
        </SelectField>
        <Field
          label="Name"
          name="name"
          defaultValue={props.provider?.name ?? ''}
          required
          maxLength={100}
          hint="Shown on the login page as a choice beside the Palisade account."
        />
        <SelectField
          label="TLS"
          name="tls"
          value={tls}
          onChange={(e) => setTls(e.target.value === 'starttls' ? 'starttls' : 'ldaps')}
          hint="Plain LDAP without TLS is refused."
        >
          <option value="ldaps">LDAPS (ldaps://…:636)</option>
          <option value="starttls">StartTLS (ldap://…:389)</option>
        </SelectField>
        <Field
          label="Server URL"
          name="url"
          defaultValue={c?.url ?? ''}
          required
          minLength={8}
          maxLength={512}
          pattern={tls === 'ldaps' ? 'ldaps://.+' : 'ldap://.+'}
          placeholder={
            tls === 'ldaps' ? 'ldaps://dc1.corp.example:636' : 'ldap://dc1.corp.example:389'
          }
        />
        <TextAreaField
          label="CA certificate (PEM)"
          name="caPem"
          rows={4}
          defaultValue={c?.caPem ?? ''}
          maxLength={65536}
          hint="The CA that signed the directory's certificate (for AD, the enterprise CA). Empty: the system's CAs."
        />
        <CheckField
          name="allowAnyCertificate"
          checked={anyCert}
          onChange={setAnyCert}
          label="Accept any certificate (first test only)"
        />
        {anyCert ? (
          <Alert>
            Certificate checks are off: the directory is not authenticated, and anyone on the
            network path can read the service account's password and every user's password as they
            sign in. Every connection logs a warning. Paste the CA certificate instead.
          </Alert>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Service account and search</legend>
        <Field
          label="Service account DN"
          name="bindDn"
          defaultValue={c?.bindDn ?? ''}
          required
          maxLength={1024}
          autoComplete="off"
        />
        <SecretField
          label="Service account password"
          hasSecret={props.provider?.hasSecret ?? false}
          editing={props.provider !== undefined}
        />
        <Field
          label="Base DN of users"
          name="baseDn"
          defaultValue={c?.baseDn ?? ''}
          required
          maxLength={1024}
        />
        <Field
          key={`filter-${preset}`}
          label="User filter"
          name="userFilter"
          defaultValue={defaults.userFilter}
          required
          maxLength={1024}
          hint="Every user must match it; what people type at sign-in is escaped before it is added."
        />
      </fieldset>
      <fieldset key={`attrs-${preset}`}>
        <legend>Attribute mapping</legend>
        <div className="grid">
          {ATTRIBUTE_FIELDS.map((a) => (
            <Field
              key={a.key}
              label={a.label}
              name={`attr-${a.key}`}
              defaultValue={defaults.attributes[a.key] ?? ''}
              required={!a.optional}
              maxLength={64}
              {...(a.optional ? { hint: 'Empty: none' } : {})}
            />
          ))}
        </div>
      </fieldset>
      <details open={c?.groupSearch ? true : undefined}>
        <summary>Group search (when users carry no memberOf)</summary>
        <Field
          label="Base DN of groups"
          name="groupBaseDn"
          defaultValue={c?.groupSearch?.baseDn ?? ''}
          maxLength={1024}
          hint="Empty: use the membership attribute above."
        />
        <Field
          label="Group object class"
          name="groupObjectClass"
          defaultValue={c?.groupSearch?.objectClass ?? 'groupOfNames'}
          maxLength={64}
        />
        <Field
          label="Member attribute"
          name="groupMemberAttribute"
          defaultValue={c?.groupSearch?.memberAttribute ?? 'member'}
          maxLength={64}
        />
      </details>
      <GroupMappings mappings={mappings} groups={props.groups} onChange={setMappings} />
      <ProvisioningFields
        values={c ?? { jitCreate: true, allowedEmailDomains: [], defaultGroupId: null }}
        groups={props.groups}
        kind="ldap"
      />
      <fieldset>
        <legend>Timing</legend>
        <div className="grid">
          <Field
            label="Timeout per request (seconds)"
            name="timeoutSeconds"
            type="number"
            min={1}
            max={60}
            required
            defaultValue={String((c?.timeoutMs ?? 5000) / 1000)}
          />
          <Field
            label="Sync every (minutes)"
            name="syncIntervalMinutes"
            type="number"
            min={0}
            max={10080}
            required
            defaultValue={String(c?.syncIntervalMinutes ?? 60)}
            hint="0: only when you press Sync now."
          />
        </div>
      </fieldset>
      <ProviderFormEnd
        editing={props.provider !== undefined}
        enableLabel="Allow sign-in and sync now (you can test it first)"
        addLabel="Add directory"
        error={act.error}
        busy={act.busy}
      />
    </form>
  );
}
