import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Id, Timestamp } from './schemas.ts';

const AuditQuery = Type.Object(
  {
    tenantId: Type.Optional(Id),
    actor: Type.Optional(Type.String({ maxLength: 128 })),
    action: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z0-9.-]+$' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  tenantId: Type.Union([Type.Null(), Type.String()]),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.Null(), Type.String()]),
  remoteAddress: Type.Union([Type.Null(), Type.String()]),
  remotePort: Type.Union([Type.Null(), Type.Integer()]),
  outcome: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export function auditRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/audit',
      tag: 'audit',
      summary: 'The audit log, newest first, with filters',
      permission: 'audit:view',
      query: AuditQuery,
      response: {
        200: Type.Object({
          entries: Type.Array(AuditEntry),
          nextCursor: Type.Union([Type.Null(), Type.Integer()]),
        }),
      },
      handler: ({ principal, query }) => {
        const { action, tenantId, ...rest } = query;
        const scope = principal.installationWide ? tenantId : principal.tenantId;
        return s.auditLog.query({
          ...rest,
          ...(scope !== undefined ? { tenantId: scope } : {}),
          ...(action !== undefined ? { actionPrefix: action } : {}),
        });
      },
    }),
  ];
}
