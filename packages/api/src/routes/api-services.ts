/** What the API routes need from the domain; apps/server wires the concrete services. */
import type {
  CallSettingsService,
  CdrService,
  DeviceService,
  GroupService,
  LiveCallService,
  PresenceService,
  RegistrationService,
  SetupService,
  TenantService,
  UserService,
} from '@palisade/pbx';
import type {
  AccountDirectory,
  ApiTokenService,
  AuditLogRepository,
  AuditTrail,
  BanService,
  IdsMetrics,
  IntrusionDetector,
  LoginService,
  MfaFactorService,
  PasskeyService,
  PasswordService,
  SessionService,
} from '@palisade/security';
import type { OriginPolicy } from '../http/request-guard.ts';
import type { SsoApiServices } from '../sso/sso-api-services.ts';

/** Web login, sessions and second factors (issue 5). */
export interface IdentityServices {
  readonly login: LoginService;
  readonly sessions: SessionService;
  readonly factors: MfaFactorService;
  readonly passkeys: PasskeyService;
  readonly passwords: PasswordService;
  readonly directory: AccountDirectory;
  readonly origins: OriginPolicy;
  /** Reads and writes the per-tenant identity settings (trusted origins, MFA rules, policy preset). */
  readonly settings: TenantIdentitySettingsStore;
  /** Renders an otpauth URI as an SVG QR code, locally. */
  readonly qrSvg: (text: string) => Promise<string>;
}

export interface IdentitySettingsView {
  readonly trustedOrigins: readonly string[];
  readonly locationMfa: boolean;
  readonly mfaForAll: boolean;
  readonly mfaGroupIds: readonly string[];
  readonly passwordPreset: 'standards' | 'vendor-compat';
}

export interface TenantIdentitySettingsStore {
  get(tenantId: string): Promise<IdentitySettingsView>;
  set(tenantId: string, patch: Partial<IdentitySettingsView>): Promise<IdentitySettingsView>;
}

export interface WebphoneTicketView {
  readonly wsUrl: string;
  readonly sipUri: string;
  readonly authorizationUser: string;
  readonly password: string;
  readonly displayName: string;
  readonly expiresAt: number;
}

export interface WebphoneIssuing {
  issue(who: {
    userId: string;
    tenantId: string;
    /** The web session minting it: the credential ends with it. */
    sessionId: string;
    remoteAddress?: string;
  }): Promise<WebphoneTicketView>;
}

export interface ApiServices {
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly devices: DeviceService;
  readonly groups: GroupService;
  readonly tokens: ApiTokenService;
  readonly auditLog: AuditLogRepository;
  readonly audit: AuditTrail;
  readonly setup: SetupService;
  readonly registrations: RegistrationService;
  readonly cdrs: CdrService;
  /** Calls in progress (the B2BUA's); absent without call control: the routes answer 503. */
  readonly liveCalls?: LiveCallService;
  readonly callSettings: CallSettingsService;
  /** Statuses and colleagues' presence (the SIP stack's); absent: the routes answer 503. */
  readonly presence?: PresenceService;
  readonly identity: IdentityServices;
  /** Intrusion detection (issue 7); null when it is off. */
  readonly intrusion?: IntrusionServices | null;
  /** Mints the web phone's short-lived SIP credentials; absent: the route answers 503. */
  readonly webphone?: WebphoneIssuing;
  /** The tenant first-run setup creates the super-admin in. */
  readonly defaultTenantId: string;
  /** Single sign-on (OIDC, LDAP / AD). */
  readonly sso: SsoApiServices;
}

/** Intrusion detection and prevention (issue 7). */
export interface IntrusionServices {
  readonly detector: IntrusionDetector;
  readonly bans: BanService;
  readonly metrics: IdsMetrics;
}
