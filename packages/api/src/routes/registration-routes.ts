import { Type } from 'typebox';
import { tenantFor } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Id, Timestamp } from './schemas.ts';

const RegistrationQuery = Type.Object(
  {
    tenantId: Type.Optional(Id),
    userId: Type.Optional(Id),
    deviceId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

const RegistrationBody = Type.Object({
  id: Id,
  tenantId: Id,
  userId: Id,
  deviceId: Id,
  aor: Type.String(),
  contact: Type.String(),
  transport: Type.String(),
  sourceAddress: Type.String(),
  sourcePort: Type.Integer(),
  userAgent: Type.String(),
  instanceId: Type.Union([Type.Null(), Type.String()]),
  expiresAt: Timestamp,
  registeredAt: Timestamp,
  updatedAt: Timestamp,
});

export function registrationRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/registrations',
      tag: 'registrations',
      summary: 'List live SIP registrations, optionally of one user or device',
      permission: 'registrations:view',
      query: RegistrationQuery,
      response: { 200: Type.Array(RegistrationBody) },
      handler: async ({ actor, principal, query }) => {
        const { tenantId, userId, deviceId, ...paging } = query;
        return s.registrations.list(
          actor,
          {
            tenantId: tenantFor(actor, tenantId, principal.tenantId),
            ...(userId === undefined ? {} : { userId }),
            ...(deviceId === undefined ? {} : { deviceId }),
          },
          paging,
        );
      },
    }),
  ];
}
