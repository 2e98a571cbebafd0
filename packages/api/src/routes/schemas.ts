/**
 * Schemas shared by several routes (and by the web app). Strings are bounded
 * everywhere. Nullable unions list `Type.Null()` first: validation coerces
 * types (query strings need it), and ajv would turn a null into "" if the
 * string branch came first.
 */
import { Type } from 'typebox';

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const Paging = Type.Object(
  {
    tenantId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export const Timestamp = Type.Integer({ description: 'milliseconds since the epoch' });
export const Deleted = Type.Object({ deleted: Type.Boolean() });

export const TenantBody = Type.Object(
  {
    id: Id,
    name: Type.String(),
    sipDomain: Type.String(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const UserBody = Type.Object(
  {
    id: Id,
    tenantId: Id,
    username: Type.String(),
    extension: Type.String(),
    displayName: Type.String(),
    email: Type.Union([Type.Null(), Type.String()]),
    mobile: Type.Union([Type.Null(), Type.String()]),
    state: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    isSuperAdmin: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);

export const DeviceBody = Type.Object(
  {
    id: Id,
    tenantId: Id,
    userId: Id,
    sipUsername: Type.String(),
    label: Type.String(),
    createdAt: Timestamp,
    secretRotatedAt: Timestamp,
  },
  { additionalProperties: false },
);

export const DeviceCredentialsBody = Type.Object(
  {
    device: DeviceBody,
    sipUsername: Type.String(),
    secret: Type.String({ description: 'shown this once; only digest hashes are stored' }),
    domain: Type.String(),
  },
  { additionalProperties: false },
);

export const GroupBody = Type.Object(
  {
    id: Id,
    tenantId: Id,
    name: Type.String(),
    description: Type.String(),
    isAdmin: Type.Boolean(),
    permissions: Type.Array(Type.String()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const TokenBody = Type.Object(
  {
    id: Id,
    tenantId: Id,
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    createdBy: Type.String(),
    createdAt: Timestamp,
    expiresAt: Type.Union([Type.Null(), Timestamp]),
    lastUsedAt: Type.Union([Type.Null(), Timestamp]),
    revokedAt: Type.Union([Type.Null(), Timestamp]),
  },
  { additionalProperties: false },
);
