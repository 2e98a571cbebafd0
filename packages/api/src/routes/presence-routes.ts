/**
 * Presence (PRODUCT §E2, §F1): my status (available, away, busy,
 * do-not-disturb — the last is my call forwarding's, so calls to me get
 * busy), and my colleagues' presence: the status each set, and whether a
 * device of theirs is registered, ringing or in a call. Colleagues are the
 * users of the caller's own tenant (an installation-wide caller names one).
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { tenantFor, type PresenceService } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Id, Paging } from './schemas.ts';

const Status = Type.Union(
  [Type.Literal('available'), Type.Literal('away'), Type.Literal('busy'), Type.Literal('dnd')],
  { description: 'dnd: do-not-disturb, callers get busy' },
);

const PresenceBody = Type.Object(
  {
    userId: Id,
    extension: Type.String(),
    displayName: Type.String(),
    status: Status,
    registered: Type.Boolean({ description: 'a device of the user is registered' }),
    onCall: Type.Boolean({ description: 'a device of the user is in an answered call' }),
    ringing: Type.Boolean({ description: 'a device of the user is being rung' }),
  },
  { additionalProperties: false },
);

// a plain string here so a wrong one gets the service's plain-words message
const PresenceInput = Type.Object(
  {
    status: Type.String({ maxLength: 16, description: 'available, away, busy or dnd' }),
  },
  { additionalProperties: false },
);

function presence(s: ApiServices): PresenceService {
  if (!s.presence) throw new PalisadeError('unavailable', 'presence is not running');
  return s.presence;
}

export function presenceRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/me/presence',
      tag: 'presence',
      summary: 'My status and presence',
      permission: 'self',
      response: { 200: PresenceBody },
      handler: ({ actor, principal }) => presence(s).get(actor, principal.id),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/me/presence',
      tag: 'presence',
      summary: 'Set my status (dnd turns my do-not-disturb on, the others turn it off)',
      permission: 'self',
      body: PresenceInput,
      response: { 200: PresenceBody },
      handler: ({ actor, principal, body }) => presence(s).set(actor, principal.id, body),
    }),
    route({
      method: 'GET',
      url: '/api/v1/presence',
      tag: 'presence',
      summary: "My colleagues' presence (the active users of the tenant), ordered by username",
      permission: 'presence',
      query: Paging,
      response: { 200: Type.Array(PresenceBody) },
      handler: ({ actor, principal, query }) =>
        presence(s).list(actor, tenantFor(actor, query.tenantId, principal.tenantId), {
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.offset !== undefined ? { offset: query.offset } : {}),
        }),
    }),
  ];
}
