/** Request and response shapes of the SSO routes. Every string is bounded. */
import { Type } from 'typebox';
import { Id, Timestamp } from '../routes/schemas.ts';

const Str = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const Domain = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' });
const Attr = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+)$',
});

const Provisioning = {
  jitCreate: Type.Boolean(),
  allowedEmailDomains: Type.Array(Domain, { maxItems: 50 }),
  defaultGroupId: Type.Union([Type.Null(), Id]),
};

export const OidcSettings = Type.Object(
  {
    preset: Type.Union([
      Type.Literal('google'),
      Type.Literal('microsoft'),
      Type.Literal('generic'),
    ]),
    issuer: Str(512),
    microsoftTenantId: Type.Optional(Str(36)),
    clientId: Str(256, 1),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[!#-\\[\\]-~]+$' }), {
      minItems: 1,
      maxItems: 20,
    }),
    idTokenAlg: Type.Union([
      Type.Literal('RS256'),
      Type.Literal('PS256'),
      Type.Literal('ES256'),
      Type.Literal('EdDSA'),
    ]),
    allowHttpLoopback: Type.Boolean(),
    trustIdpMfa: Type.Boolean(),
    mfaAcrValues: Type.Array(Str(128, 1), { maxItems: 20 }),
    ...Provisioning,
  },
  { additionalProperties: false },
);

const LdapAttributes = Type.Object(
  {
    username: Attr,
    alternateLogin: Type.Union([Type.Null(), Attr]),
    email: Attr,
    displayName: Attr,
    phone: Attr,
    memberOf: Type.Union([Type.Null(), Attr]),
    uniqueId: Attr,
    accountControl: Type.Union([Type.Null(), Attr]),
  },
  { additionalProperties: false },
);

export const LdapSettings = Type.Object(
  {
    preset: Type.Union([Type.Literal('active-directory'), Type.Literal('openldap')]),
    url: Type.String({ minLength: 8, maxLength: 512, pattern: '^ldaps?://' }),
    startTls: Type.Boolean(),
    caPem: Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 65_536 })]),
    allowAnyCertificate: Type.Boolean(),
    bindDn: Str(1024, 1),
    baseDn: Str(1024, 1),
    userFilter: Str(1024, 2),
    attributes: LdapAttributes,
    groupSearch: Type.Union([
      Type.Null(),
      Type.Object(
        { baseDn: Str(1024, 1), objectClass: Attr, memberAttribute: Attr },
        { additionalProperties: false },
      ),
    ]),
    groupMappings: Type.Array(
      Type.Object({ ldapGroupDn: Str(1024, 1), groupId: Id }, { additionalProperties: false }),
      { maxItems: 200 },
    ),
    timeoutMs: Type.Integer({ minimum: 500, maximum: 60_000 }),
    syncIntervalMinutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
    ...Provisioning,
  },
  { additionalProperties: false },
);

const Common = {
  name: Str(100, 1),
  enabled: Type.Boolean(),
  /** Client secret (OIDC) or service account password (LDAP); write-only. */
  secret: Type.Optional(Type.Union([Type.Null(), Str(1024, 1)])),
};

export const NewProvider = Type.Union([
  Type.Object(
    { kind: Type.Literal('oidc'), ...Common, config: OidcSettings },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('ldap'), ...Common, config: LdapSettings },
    { additionalProperties: false },
  ),
]);

export const ProviderPatch = Type.Object(
  {
    name: Type.Optional(Str(100, 1)),
    enabled: Type.Optional(Type.Boolean()),
    secret: Type.Optional(Type.Union([Type.Null(), Str(1024, 1)])),
    config: Type.Optional(Type.Union([OidcSettings, LdapSettings])),
  },
  { additionalProperties: false },
);

export const ProviderBody = Type.Object(
  {
    id: Id,
    tenantId: Id,
    kind: Type.Union([Type.Literal('oidc'), Type.Literal('ldap')]),
    name: Type.String(),
    enabled: Type.Boolean(),
    hasSecret: Type.Boolean(),
    config: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);

export const ConnectionReportBody = Type.Object({
  ok: Type.Boolean(),
  checks: Type.Array(
    Type.Object({ step: Type.String(), ok: Type.Boolean(), message: Type.String() }),
  ),
});

export const SyncRunBody = Type.Object({
  id: Id,
  tenantId: Id,
  providerId: Id,
  dryRun: Type.Boolean(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  report: Type.Record(Type.String(), Type.Unknown()),
});

export const LinkedIdentityBody = Type.Object({
  id: Id,
  providerId: Id,
  issuer: Type.String(),
  subject: Type.String(),
  email: Type.Union([Type.Null(), Type.String()]),
  linkedAt: Timestamp,
  lastLoginAt: Type.Union([Type.Null(), Timestamp]),
});

export const ProviderParams = Type.Object({ providerId: Id }, { additionalProperties: false });
/** The area a sign-in opens, as the password login's `client` says it. */
export const LoginClient = Type.Union([Type.Literal('console'), Type.Literal('app')]);
export const StartQuery = Type.Object(
  { client: Type.Optional(LoginClient) },
  { additionalProperties: false },
);
export const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Str(2048)),
    state: Type.Optional(Str(512)),
    iss: Type.Optional(Str(512)),
    error: Type.Optional(Str(256)),
    error_description: Type.Optional(Str(1024)),
    session_state: Type.Optional(Str(512)),
  },
  { additionalProperties: false },
);

const LdapPreset = Type.Object({ attributes: LdapAttributes, userFilter: Type.String() });
export const LdapPresetsBody = Type.Object({
  ldap: Type.Object({ 'active-directory': LdapPreset, openldap: LdapPreset }),
});
