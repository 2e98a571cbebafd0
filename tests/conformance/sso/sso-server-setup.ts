/**
 * Identity providers on a running test server, as an admin sets them up
 * (through the provider service): an OpenID provider from `oidc-provider`
 * registered with the provider's redirect URI, and a slapd directory with
 * StartTLS and its CA. Shared by the console sign-in tests (API and browser).
 */
import type { OidcSettings, ProviderView } from '@palisade/security';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { startOidcPeer, type OidcPeer } from './oidc-provider-peer.ts';
import { slapdAdConfig, SVC_PW, type Slapd } from './slapd-peer.ts';

const CLIENT_SECRET = 'palisade-test-client-secret-0123456789';

/**
 * A test server whose public URL is its own HTTPS address on `host`, so the
 * redirect URIs it derives point back at it.
 */
export async function startSsoServer(
  host = '127.0.0.1',
  env: Record<string, string> = {},
): Promise<{ p: TestPalisade; base: string }> {
  const port = await freeTcpPort();
  const base = `https://${host}:${port}`;
  const p = await startTestPalisade({
    PALISADE_HTTP_PORT: String(port),
    PALISADE_HTTP_PUBLIC_URL: base,
    ...env,
  });
  return { p, base };
}

/**
 * An account `<username>-at-idp` at the IdP (password `<username>-idp-pw`,
 * signing in with a second factor: amr pwd and otp), linked by an admin to
 * the local user; answers what to type at the IdP.
 */
export async function linkIdpAccount(
  p: TestPalisade,
  idp: OidcPeer,
  providerId: string,
  user: { readonly id: string; readonly username: string },
): Promise<{ login: string; password: string }> {
  const d = p.server.domain;
  const login = `${user.username}-at-idp`;
  const password = `${user.username}-idp-pw`;
  idp.accounts.set(login, {
    password,
    email: `${user.username}@corp.test`,
    emailVerified: true,
    name: user.username,
    amr: ['pwd', 'otp'],
  });
  const provider = await d.store.ssoProviders.findById(providerId);
  if (!provider) throw new Error('no such provider');
  await d.sso.identities.linkByAdmin({ provider, userId: user.id, subject: login, actor: 'cli' });
  return { login, password };
}

export function oidcSettings(issuer: string, trustIdpMfa: boolean): OidcSettings {
  return {
    preset: 'generic',
    issuer,
    clientId: 'palisade-test',
    scopes: ['openid', 'email', 'profile'],
    idTokenAlg: 'RS256',
    allowHttpLoopback: true,
    trustIdpMfa,
    mfaAcrValues: [],
    jitCreate: false,
    allowedEmailDomains: [],
    defaultGroupId: null,
  };
}

/** An enabled OIDC provider named `name` and the IdP it points at (accounts empty). */
export async function addOidcProvider(
  p: TestPalisade,
  name: string,
): Promise<{ provider: ProviderView; idp: OidcPeer }> {
  const d = p.server.domain;
  const tenantId = d.defaultTenant.id;
  const draft = await d.sso.providers.create(
    tenantId,
    {
      kind: 'oidc',
      name,
      enabled: true,
      secret: CLIENT_SECRET,
      config: oidcSettings('http://127.0.0.1:1', false),
    },
    'cli',
  );
  const redirectUri = (draft.config as { redirectUri: string }).redirectUri;
  const idp = await startOidcPeer(() => [redirectUri]);
  const provider = await d.sso.providers.update(
    tenantId,
    draft.id,
    { config: oidcSettings(idp.issuer, false) },
    'cli',
  );
  return { provider, idp };
}

/** Trusts (or not) the provider's second factor where MFA is required. */
export async function trustIdpMfa(
  p: TestPalisade,
  provider: ProviderView,
  issuer: string,
  trust: boolean,
): Promise<void> {
  const d = p.server.domain;
  await d.sso.providers.update(
    d.defaultTenant.id,
    provider.id,
    { config: oidcSettings(issuer, trust) },
    'cli',
  );
}

/**
 * An enabled directory on slapd's Active Directory tree, creating accounts at
 * sign-in; `groupMappings` map directory group DNs to ACL group ids.
 */
export async function addLdapProvider(
  p: TestPalisade,
  slapd: Slapd,
  groupMappings: readonly { ldapGroupDn: string; groupId: string }[],
): Promise<ProviderView> {
  const d = p.server.domain;
  return d.sso.providers.create(
    d.defaultTenant.id,
    {
      kind: 'ldap',
      name: 'Corp AD',
      enabled: true,
      secret: SVC_PW,
      config: slapdAdConfig(slapd, { groupMappings: [...groupMappings] }),
    },
    'cli',
  );
}
