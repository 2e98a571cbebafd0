/** Who a provider may create accounts for, and where they land (both provider kinds). */
import type { Group } from '../api/types.ts';
import { CheckField, SelectField, TextAreaField, wordList } from '../components/fields.tsx';
import { formText } from '../components/form-data.ts';

export interface ProvisioningValues {
  readonly jitCreate: boolean;
  readonly allowedEmailDomains: readonly string[];
  readonly defaultGroupId: string | null;
}

export function ProvisioningFields(props: {
  values: ProvisioningValues;
  groups: readonly Group[];
  kind: 'oidc' | 'ldap';
}) {
  const v = props.values;
  return (
    <fieldset>
      <legend>New accounts</legend>
      <CheckField
        name="jitCreate"
        defaultChecked={v.jitCreate}
        label={
          props.kind === 'oidc'
            ? 'Create an account at the first sign-in (verified e-mail in an allowed domain only)'
            : 'Create accounts for directory users (at sign-in and by sync)'
        }
      />
      {props.kind === 'oidc' ? (
        <TextAreaField
          label="Allowed e-mail domains"
          name="allowedEmailDomains"
          rows={2}
          defaultValue={v.allowedEmailDomains.join('\n')}
          hint="One per line, such as corp.example.com. Empty: nobody is created at sign-in."
        />
      ) : null}
      <SelectField
        label="ACL group new accounts join"
        name="defaultGroupId"
        defaultValue={v.defaultGroupId ?? ''}
      >
        <option value="">None</option>
        {props.groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </SelectField>
    </fieldset>
  );
}

/** The form's values; a directory provider has no domain list (its sync decides) and keeps `previous`. */
export function provisioningFrom(f: FormData, previous: ProvisioningValues): ProvisioningValues {
  const group = formText(f, 'defaultGroupId');
  return {
    jitCreate: f.get('jitCreate') === 'on',
    allowedEmailDomains: f.has('allowedEmailDomains')
      ? wordList(formText(f, 'allowedEmailDomains')).map((d) => d.toLowerCase())
      : previous.allowedEmailDomains,
    defaultGroupId: group === '' ? null : group,
  };
}
