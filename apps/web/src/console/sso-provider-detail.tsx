/** One identity provider: its redirect URI, enable/disable, test connection, sync, settings. */
import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Group, LdapPresets, SsoProvider } from '../api/types.ts';
import { Alert, ErrorText } from '../components/ui.tsx';
import { useAction } from '../components/use-load.ts';
import { LdapProviderForm } from './ldap-provider-form.tsx';
import { LdapSyncPanel } from './ldap-sync-panel.tsx';
import { OidcProviderForm } from './oidc-provider-form.tsx';
import { ConnectionTest } from './sso-connection-test.tsx';

function RedirectUri(props: { uri: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    void navigator.clipboard.writeText(props.uri).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div className="shown-once" aria-labelledby="redirect-uri-title">
      <h3 id="redirect-uri-title">Redirect URI</h3>
      <p>
        Copy it exactly into the identity provider's console (Google: Authorized redirect URIs;
        Entra ID: Authentication, platform Web).
      </p>
      <p>
        <code className="secret" data-testid="redirect-uri">
          {props.uri}
        </code>
      </p>
      <button type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy the redirect URI'}
      </button>
    </div>
  );
}

export const KIND_NAMES = { oidc: 'OpenID Connect', ldap: 'LDAP / Active Directory' } as const;

export function SsoProviderDetail(props: {
  provider: SsoProvider;
  groups: readonly Group[];
  presets: LdapPresets | null;
  mayChange: boolean;
  onChanged: (p: SsoProvider | null) => void;
  onClose: () => void;
}) {
  const p = props.provider;
  const act = useAction();
  const [saved, setSaved] = useState(false);

  const toggle = () =>
    void act.run(async () => {
      props.onChanged(
        await api<SsoProvider>('PATCH', `/api/v1/sso/providers/${p.id}`, { enabled: !p.enabled }),
      );
    });
  const remove = () => {
    if (!window.confirm(`Remove “${p.name}”? Its identity links go; the accounts stay.`)) return;
    void act.run(async () => {
      await api('DELETE', `/api/v1/sso/providers/${p.id}`);
      props.onChanged(null);
    });
  };
  const onSaved = (next: SsoProvider) => {
    setSaved(true);
    props.onChanged(next);
  };

  return (
    <section className="card" aria-labelledby="provider-title">
      <div className="row">
        <h2 id="provider-title">{p.name}</h2>
        <span className="badge">{KIND_NAMES[p.kind]}</span>
        <span className="badge">{p.enabled ? 'enabled' : 'disabled'}</span>
        <span className="spacer" />
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {p.kind === 'ldap' && p.config.allowAnyCertificate ? (
        <Alert>
          Certificate validation is off for this directory: anyone on the network path can pose as
          it and read passwords. Paste its CA certificate and turn “Accept any certificate” off.
        </Alert>
      ) : null}
      {p.kind === 'oidc' && p.config.redirectUri ? (
        <RedirectUri uri={p.config.redirectUri} />
      ) : null}
      {props.mayChange ? (
        <div className="row">
          <button
            type="button"
            className={p.enabled ? 'danger' : 'primary'}
            onClick={toggle}
            disabled={act.busy}
          >
            {p.enabled ? 'Disable provider' : 'Enable provider'}
          </button>
          <button type="button" className="danger" onClick={remove} disabled={act.busy}>
            Remove provider
          </button>
        </div>
      ) : null}
      <ErrorText error={act.error} />
      {props.mayChange ? <ConnectionTest provider={p} /> : null}
      {p.kind === 'ldap' ? <LdapSyncPanel provider={p} mayChange={props.mayChange} /> : null}
      <h3>Settings</h3>
      {saved ? <Alert kind="success">Saved.</Alert> : null}
      {!props.mayChange ? (
        <p className="hint">Your groups let you see this provider but not change it.</p>
      ) : p.kind === 'oidc' ? (
        <OidcProviderForm key={p.updatedAt} provider={p} groups={props.groups} onSaved={onSaved} />
      ) : props.presets ? (
        <LdapProviderForm
          key={p.updatedAt}
          provider={p}
          groups={props.groups}
          presets={props.presets}
          onSaved={onSaved}
        />
      ) : null}
    </section>
  );
}
