/**
 * Single sign-on: the tenant's identity providers (OpenID Connect and LDAP /
 * Active Directory), a new one from a preset, the selected one's details.
 */
import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Group, LdapPresets, SsoProvider } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { Alert, ErrorText, Loading } from '../components/ui.tsx';
import { useLoad } from '../components/use-load.ts';
import { LdapProviderForm } from './ldap-provider-form.tsx';
import { OidcProviderForm } from './oidc-provider-form.tsx';
import { KIND_NAMES, SsoProviderDetail } from './sso-provider-detail.tsx';
import { SsoPolicyCard } from './sso-policy-card.tsx';

type Selection = { kind: 'provider'; id: string } | { kind: 'new-oidc' } | { kind: 'new-ldap' };

const PRESET_NAMES: Readonly<Record<string, string>> = {
  google: 'Google',
  microsoft: 'Microsoft 365',
  generic: 'generic',
  'active-directory': 'Active Directory',
  openldap: 'OpenLDAP',
};

export function SsoProvidersPage() {
  const { can } = useSession();
  const mayChange = can('security:change');
  const providers = useLoad(() => api<SsoProvider[]>('GET', '/api/v1/sso/providers'), []);
  const groups = useLoad(
    () => (can('groups:view') ? api<Group[]>('GET', '/api/v1/groups') : Promise.resolve([])),
    [],
  );
  const presets = useLoad(
    () => api<{ ldap: LdapPresets }>('GET', '/api/v1/sso/presets').then((r) => r.ldap),
    [],
  );
  const [selection, setSelection] = useState<Selection | null>(null);
  const [removed, setRemoved] = useState(false);
  const list = providers.data ?? [];
  const selected =
    selection?.kind === 'provider' ? (list.find((p) => p.id === selection.id) ?? null) : null;

  const created = (p: SsoProvider) => {
    providers.reload();
    setSelection({ kind: 'provider', id: p.id });
  };
  const changed = (p: SsoProvider | null) => {
    providers.reload();
    setRemoved(p === null);
    if (p === null) setSelection(null);
  };
  const start = (kind: 'new-oidc' | 'new-ldap') => {
    setRemoved(false);
    setSelection(selection?.kind === kind ? null : { kind });
  };

  return (
    <section>
      <h1>Single sign-on</h1>
      <p className="hint">
        People sign in with their company identity: Google Workspace, Microsoft 365 / Entra ID, any
        OpenID Connect provider, or an LDAP / Active Directory directory.
      </p>
      {mayChange ? (
        <div className="row">
          <button
            type="button"
            className="primary"
            onClick={() => start('new-oidc')}
            aria-expanded={selection?.kind === 'new-oidc'}
          >
            New OpenID Connect provider
          </button>
          <button
            type="button"
            onClick={() => start('new-ldap')}
            aria-expanded={selection?.kind === 'new-ldap'}
          >
            New directory (LDAP / AD)
          </button>
        </div>
      ) : null}
      {removed ? <Alert kind="success">Provider removed.</Alert> : null}
      {selection?.kind === 'new-oidc' ? (
        <div className="card">
          <h2>New OpenID Connect provider</h2>
          <p className="hint">
            The redirect URI to copy into the provider's console is shown once this is saved (it
            holds the provider's id).
          </p>
          <OidcProviderForm groups={groups.data ?? []} onSaved={created} />
        </div>
      ) : selection?.kind === 'new-ldap' ? (
        <div className="card">
          <h2>New directory (LDAP / Active Directory)</h2>
          {presets.data ? (
            <LdapProviderForm groups={groups.data ?? []} presets={presets.data} onSaved={created} />
          ) : (
            <ErrorText error={presets.error} />
          )}
        </div>
      ) : null}
      {providers.loading && !providers.data ? <Loading what="providers" /> : null}
      <ErrorText error={providers.error} />
      {providers.data ? (
        <table className="list">
          <caption className="visually-hidden">Identity providers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Preset</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id} className={p.id === selected?.id ? 'selected' : undefined}>
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => setSelection({ kind: 'provider', id: p.id })}
                  >
                    {p.name}
                  </button>
                  {p.kind === 'ldap' && p.config.allowAnyCertificate ? (
                    <span className="badge badge-danger">certificate not checked</span>
                  ) : null}
                </td>
                <td>{KIND_NAMES[p.kind]}</td>
                <td>{PRESET_NAMES[p.config.preset] ?? p.config.preset}</td>
                <td>{p.enabled ? 'enabled' : 'disabled'}</td>
              </tr>
            ))}
            {list.length === 0 ? (
              <tr>
                <td colSpan={4}>No provider yet: people sign in with their Palisade password.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
      {selected ? (
        <SsoProviderDetail
          key={selected.id}
          provider={selected}
          groups={groups.data ?? []}
          presets={presets.data}
          mayChange={mayChange}
          onChanged={changed}
          onClose={() => setSelection(null)}
        />
      ) : null}
      <SsoPolicyCard mayChange={mayChange} />
    </section>
  );
}
