import { Type } from 'typebox';
import { CDR_DISPOSITIONS, tenantFor } from '@palisade/pbx';
import type { CdrFilter } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Id, Timestamp } from './schemas.ts';

const CdrQuery = Type.Object(
  {
    tenantId: Type.Optional(Id),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    disposition: Type.Optional(Type.Union(CDR_DISPOSITIONS.map((d) => Type.Literal(d)))),
    userId: Type.Optional(Id),
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^\\+?[0-9*#]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([Type.Null(), t]);

const CdrBody = Type.Object({
  id: Id,
  tenantId: Id,
  callId: Type.String(),
  callerUserId: Id,
  callerDeviceId: Id,
  caller: Type.String(),
  callee: Type.String(),
  calleeUserId: Nullable(Type.String()),
  calleeDeviceId: Nullable(Type.String()),
  callClass: Type.String(),
  startedAt: Timestamp,
  answeredAt: Type.Union([Type.Null(), Timestamp]),
  endedAt: Type.Union([Type.Null(), Timestamp]),
  durationSeconds: Type.Integer(),
  disposition: Type.String(),
  hangupCause: Nullable(Type.String()),
  causeSide: Nullable(Type.String()),
});

type Query = {
  tenantId?: string;
  from?: number;
  to?: number;
  disposition?: (typeof CDR_DISPOSITIONS)[number];
  userId?: string;
  number?: string;
  limit?: number;
  offset?: number;
};

function filterOf(query: Query, tenantId: string): CdrFilter {
  return {
    tenantId,
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
    ...(query.disposition === undefined ? {} : { disposition: query.disposition }),
    ...(query.userId === undefined ? {} : { userId: query.userId }),
    ...(query.number === undefined ? {} : { number: query.number }),
  };
}

export function cdrRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/cdrs',
      tag: 'cdrs',
      summary: 'List call detail records, newest first, with filters',
      permission: 'cdr:view',
      query: CdrQuery,
      response: { 200: Type.Array(CdrBody) },
      handler: async ({ actor, principal, query }) => {
        const tenantId = tenantFor(actor, query.tenantId, principal.tenantId);
        return s.cdrs.list(actor, filterOf(query, tenantId), {
          limit: query.limit,
          offset: query.offset,
        });
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/cdrs.csv',
      tag: 'cdrs',
      summary: 'Export call detail records as CSV (formula cells neutralised)',
      permission: 'cdr:view',
      query: CdrQuery,
      response: { 200: Type.String() },
      handler: async ({ actor, principal, query, reply }) => {
        const tenantId = tenantFor(actor, query.tenantId, principal.tenantId);
        const csv = await s.cdrs.csv(actor, filterOf(query, tenantId), {
          limit: query.limit,
          offset: query.offset,
        });
        await reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cdrs.csv"')
          .send(csv);
        return undefined;
      },
    }),
  ];
}
