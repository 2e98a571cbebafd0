/** Schemas of the login, session and second-factor routes. */
import { Type } from 'typebox';

const Username = Type.String({ minLength: 1, maxLength: 128 });
const Domain = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const LoginToken = Type.String({
  minLength: 22,
  maxLength: 22,
  pattern: '^[A-Za-z0-9_-]+$',
});
export const LinkToken = Type.String({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]+$' });
export const Code = Type.String({ minLength: 1, maxLength: 64 });
export const Method = Type.Union([
  Type.Literal('totp'),
  Type.Literal('recovery'),
  Type.Literal('email'),
  Type.Literal('sms'),
]);

export const LoginRequest = Type.Object(
  {
    username: Username,
    tenantDomain: Type.Optional(Domain),
    password: Password,
    client: Type.Optional(Type.Union([Type.Literal('console'), Type.Literal('app')])),
  },
  { additionalProperties: false },
);

export const SessionView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    createdAt: Type.Integer(),
    lastSeenAt: Type.Integer(),
    expiresAt: Type.Integer(),
    remoteAddress: Type.String(),
    userAgent: Type.String(),
    userId: Type.String(),
    tenantId: Type.String(),
    current: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const LoginResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('active'), Type.Literal('mfa'), Type.Literal('location')]),
    /** Pending steps only: sent back with the next step (not a cookie). */
    loginToken: Type.Optional(Type.String()),
    methods: Type.Optional(Type.Array(Type.String())),
    /** Active only: send as X-CSRF-Token with every state-changing request. */
    csrfToken: Type.Optional(Type.String()),
    mfaEnrolmentRequired: Type.Optional(Type.Boolean()),
    session: Type.Optional(SessionView),
  },
  { additionalProperties: false },
);

export const LoginStepRequest = Type.Object(
  { loginToken: LoginToken, method: Method, code: Code },
  { additionalProperties: false },
);
export const SendCodeRequest = Type.Object(
  { loginToken: LoginToken, method: Type.Union([Type.Literal('email'), Type.Literal('sms')]) },
  { additionalProperties: false },
);
export const ContinueRequest = Type.Object(
  { loginToken: LoginToken },
  { additionalProperties: false },
);
export const LinkRequest = Type.Object({ token: LinkToken }, { additionalProperties: false });
export const ResetRequest = Type.Object(
  { username: Username, tenantDomain: Type.Optional(Domain) },
  { additionalProperties: false },
);
export const ResetComplete = Type.Object(
  { token: LinkToken, password: Password },
  { additionalProperties: false },
);
export const Empty = Type.Object({}, { additionalProperties: false });
export const Ended = Type.Object({ ended: Type.Integer() }, { additionalProperties: false });

/** A WebAuthn response as the browser's PublicKeyCredential.toJSON() gives it. */
export const WebAuthnResponse = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024 }),
    rawId: Type.String({ minLength: 1, maxLength: 1024 }),
    type: Type.Literal('public-key'),
    response: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    clientExtensionResults: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    ),
    authenticatorAttachment: Type.Optional(
      Type.Union([Type.Null(), Type.String({ maxLength: 32 })]),
    ),
  },
  { additionalProperties: false },
);
export const WebAuthnOptions = Type.Record(Type.String(), Type.Unknown());
export const PasskeyLoginRequest = Type.Object(
  { loginToken: LoginToken, response: WebAuthnResponse },
  { additionalProperties: false },
);
