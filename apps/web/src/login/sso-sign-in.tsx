/**
 * Single sign-on on the login page: "Sign in with …" links for the enabled
 * OpenID Connect providers (each starts at the server, which redirects to
 * the IdP), the directories the password form can use, and what comes back
 * from the IdP: `?sso_error=<category>` or a pending step in the fragment.
 */
import { api } from '../api/api-client.ts';
import type { LoginOption } from '../api/types.ts';
import { useLoad } from '../components/use-load.ts';

/** The categories the server sends in `?sso_error=` (docs/sso.md), in plain words. */
const SSO_ERRORS: Readonly<Record<string, string>> = {
  'provider-disabled': 'This sign-in method is not available any more.',
  'provider-unreachable': 'The identity provider could not be reached. Try again later.',
  'state-mismatch':
    'The sign-in expired or was started in another browser or tab. Start it again from here.',
  'area-mismatch':
    'That sign-in was started for the other area (user app or admin console). Start it again from here.',
  'no-console-access':
    'This account has no access to the admin console. Choose “User app” and sign in again.',
  'idp-error': 'The identity provider refused the sign-in.',
  'not-linked':
    'No Palisade account is linked to that identity. Ask your administrator, or sign in with your password and link it on My security.',
  'domain-not-allowed':
    'No Palisade account is linked to that identity. Ask your administrator, or sign in with your password and link it on My security.',
  'email-unverified':
    'No Palisade account is linked to that identity. Ask your administrator, or sign in with your password and link it on My security.',
  'already-linked': 'That identity is already linked to another Palisade account.',
  'account-disabled': 'This account is disabled.',
  throttled: 'Too many failed sign-ins. Try again later.',
};

export function ssoErrorText(reason: string): string {
  return (
    SSO_ERRORS[reason] ??
    'The identity provider’s answer could not be trusted, so you were not signed in. Start again; if it keeps happening, tell your administrator.'
  );
}

export interface SsoPendingStep {
  readonly stage: 'mfa' | 'location';
  readonly loginToken: string;
  readonly methods: readonly string[];
}

/** A pending step handed over in the URL fragment after an IdP sign-in (reading only). */
export function ssoPendingStep(): SsoPendingStep | null {
  if (!location.hash.startsWith('#sso=')) return null;
  const f = new URLSearchParams(location.hash.slice(1));
  const stage = f.get('sso');
  const loginToken = f.get('loginToken') ?? '';
  if ((stage !== 'mfa' && stage !== 'location') || loginToken === '') return null;
  return {
    stage,
    loginToken,
    methods: (f.get('methods') ?? '').split(',').filter((m) => m !== ''),
  };
}

/** Takes the hand-over (fragment and `?sso_error=`) out of the address bar and history once read. */
export function clearSsoHandOver(): void {
  const params = new URLSearchParams(location.search);
  if (!location.hash.startsWith('#sso=') && !params.has('sso_error')) return;
  params.delete('sso_error');
  const search = params.toString();
  history.replaceState(null, '', location.pathname + (search === '' ? '' : `?${search}`));
}

export function useLoginOptions(): readonly LoginOption[] {
  // Public and optional: without it the password form still works.
  const options = useLoad(
    () => api<LoginOption[]>('GET', '/api/v1/sso/login-options').catch(() => []),
    [],
  );
  return options.data ?? [];
}

/** A provider's start URL for the chosen area: the server seals the area with the IdP's state. */
function startUrlFor(startUrl: string, area: 'app' | 'console'): string {
  return area === 'console' ? `${startUrl}?client=console` : startUrl;
}

export function SsoButtons(props: { options: readonly LoginOption[]; area: 'app' | 'console' }) {
  const oidc = props.options.filter((o) => o.kind === 'oidc' && o.startUrl);
  if (oidc.length === 0) return null;
  return (
    <>
      <div className="sso-buttons">
        {oidc.map((o) => (
          <a
            key={o.id}
            className="button"
            href={o.startUrl ? startUrlFor(o.startUrl, props.area) : undefined}
          >
            Sign in with {o.name}
          </a>
        ))}
      </div>
      <p className="divider">or</p>
    </>
  );
}
