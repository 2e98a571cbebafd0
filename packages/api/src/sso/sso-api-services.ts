import type {
  LdapSsoService,
  LinkedIdentityService,
  OidcLoginService,
  SsoPolicyRepository,
  SsoLocalLoginGate,
  SsoProviderAdmin,
  SsoSyncRunRepository,
} from '@palisade/security';
import type { SsoSessionPort } from './sso-session-port.ts';

/** What the SSO routes need; apps/server builds them. */
export interface SsoApiServices {
  readonly providers: SsoProviderAdmin;
  readonly oidc: OidcLoginService;
  readonly ldap: LdapSsoService;
  readonly identities: LinkedIdentityService;
  /** For the password login: may this account use its local password ("SSO only", break-glass)? */
  readonly localLogin: SsoLocalLoginGate;
  readonly policies: SsoPolicyRepository;
  readonly runs: SsoSyncRunRepository;
  readonly session: SsoSessionPort;
  /** Where the browser goes after linking an identity, and after a failed login (with `?sso_error=`). */
  readonly appPath: string;
}
