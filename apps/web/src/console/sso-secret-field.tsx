/** A write-only secret (client secret, service password): typed, replaced or removed, never shown. */
import { CheckField } from '../components/fields.tsx';
import { formText } from '../components/form-data.ts';
import { Field } from '../components/ui.tsx';

export function SecretField(props: { label: string; hasSecret: boolean; editing: boolean }) {
  return (
    <>
      <Field
        label={props.label}
        name="secret"
        type="password"
        maxLength={1024}
        autoComplete="new-password"
        placeholder={props.hasSecret ? '•••••• (set; type to replace)' : ''}
        hint={
          props.hasSecret
            ? 'A value is set. It is stored encrypted and never shown again: leave empty to keep it.'
            : 'Stored encrypted; never shown again.'
        }
      />
      {props.editing && props.hasSecret ? (
        <CheckField name="removeSecret" label={`Remove the stored ${props.label.toLowerCase()}`} />
      ) : null}
    </>
  );
}

/** The PATCH/POST fragment: a new secret, null to remove it, nothing to keep it. */
export function secretFrom(f: FormData): { secret?: string | null } {
  const typed = formText(f, 'secret');
  if (typed !== '') return { secret: typed };
  return f.get('removeSecret') === 'on' ? { secret: null } : {};
}
