/**
 * Calls in progress (PRODUCT §E1 "live calls"): the B2BUA's calls of the
 * caller's tenant (an installation-wide admin may name another), and an
 * administrator's hang-up of an answered call. No SDP and no secrets: who
 * calls whom, the state, the times, and each phone's transport and media
 * profile.
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { tenantFor, type LiveCallService } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Deleted, Id, IdParams, Timestamp } from './schemas.ts';

const TenantQuery = Type.Object({ tenantId: Type.Optional(Id) }, { additionalProperties: false });

const NullableString = Type.Union([Type.Null(), Type.String()]);

const Party = {
  userId: NullableString,
  deviceId: NullableString,
  extension: NullableString,
  displayName: NullableString,
  transport: Type.Union([Type.Null(), Type.String({ description: 'UDP, TCP, TLS, WS or WSS' })]),
  media: Type.Union([
    Type.Null(),
    Type.Literal('RTP'),
    Type.Literal('SRTP'),
    Type.Literal('WebRTC'),
  ]),
};

const LiveCallBody = Type.Object(
  {
    id: Type.String({ description: 'the id of the call record (CDR) the call will leave' }),
    tenantId: Id,
    state: Type.Union([Type.Literal('ringing'), Type.Literal('answered'), Type.Literal('held')]),
    startedAt: Timestamp,
    answeredAt: Type.Union([Type.Null(), Timestamp]),
    caller: Type.Object(Party, { additionalProperties: false }),
    callee: Type.Object(
      { number: Type.String({ description: 'as dialled' }), ...Party },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

function liveCalls(s: ApiServices): LiveCallService {
  if (!s.liveCalls) throw new PalisadeError('unavailable', 'call control is not running');
  return s.liveCalls;
}

export function liveCallRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/calls/active',
      tag: 'calls',
      summary: 'List the calls in progress, oldest first',
      permission: 'calls:view',
      query: TenantQuery,
      response: { 200: Type.Array(LiveCallBody) },
      handler: async ({ actor, principal, query, reply }) => {
        void reply.header('cache-control', 'no-store');
        return liveCalls(s).list(actor, tenantFor(actor, query.tenantId, principal.tenantId));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/calls/active/:id',
      tag: 'calls',
      summary: 'Hang up an answered call (BYE to both phones; its CDR records admin_hangup)',
      permission: 'calls:change',
      params: IdParams,
      query: TenantQuery,
      response: { 200: Deleted },
      handler: async ({ actor, principal, params, query }) => {
        await liveCalls(s).hangUp(
          actor,
          tenantFor(actor, query.tenantId, principal.tenantId),
          params.id,
        );
        return { deleted: true };
      },
    }),
  ];
}
