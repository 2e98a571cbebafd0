/**
 * What the OpenID Connect and directory provider forms share: saving (PATCH
 * an existing provider, or POST a new one, enabled when ticked, with the
 * write-only secret as typed) and the end of the form.
 */
import { api } from '../api/api-client.ts';
import type { SsoProvider } from '../api/types.ts';
import { CheckField } from '../components/fields.tsx';
import { ErrorText, Submit } from '../components/ui.tsx';
import { secretFrom } from './sso-secret-field.tsx';

export function saveProvider(
  kind: SsoProvider['kind'],
  existing: SsoProvider | undefined,
  f: FormData,
  body: { readonly name: string; readonly config: unknown },
): Promise<SsoProvider> {
  const fields = { ...body, ...secretFrom(f) };
  return existing
    ? api<SsoProvider>('PATCH', `/api/v1/sso/providers/${existing.id}`, fields)
    : api<SsoProvider>('POST', '/api/v1/sso/providers', {
        kind,
        enabled: f.get('enabled') === 'on',
        ...fields,
      });
}

/** "Enable now" for a new provider, the error, and the submit button. */
export function ProviderFormEnd(props: {
  editing: boolean;
  enableLabel: string;
  addLabel: string;
  error: string | null;
  busy: boolean;
}) {
  return (
    <>
      {!props.editing ? <CheckField name="enabled" label={props.enableLabel} /> : null}
      <ErrorText error={props.error} />
      <Submit busy={props.busy}>{props.editing ? 'Save changes' : props.addLabel}</Submit>
    </>
  );
}
