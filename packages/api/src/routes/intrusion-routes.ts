/**
 * The intrusion report (PRODUCT §D4): live bans, attempts by source,
 * service and user, top offenders, counters, and manual ban/unban. Bans
 * are installation-wide (an address is banned on every tenant), so only an
 * installation-wide principal may see or change them.
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import type { Ban } from '@palisade/security';
import { route, type Principal, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices, IntrusionServices } from './api-services.ts';
import { Timestamp } from './schemas.ts';

const Address = Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f.:]+$' });

const banFields = {
  address: Type.String(),
  rule: Type.String(),
  origin: Type.String(),
  offence: Type.Integer(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Type.Null(), Timestamp]),
};
const BanBody = Type.Object(banFields);

const OffenderBody = Type.Object({
  ...banFields,
  liftedAt: Type.Union([Type.Null(), Timestamp]),
  /** Neither lifted nor expired now. */
  active: Type.Boolean(),
});

const NewBan = Type.Object(
  {
    address: Address,
    reason: Type.Optional(Type.String({ maxLength: 200 })),
    /** Omitted or null: until lifted. */
    durationSeconds: Type.Optional(
      Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 31_536_000 })]),
    ),
  },
  { additionalProperties: false },
);

const Counts = Type.Record(Type.String(), Type.Integer());
const SourceBody = Type.Object({
  source: Type.String(),
  total: Type.Integer(),
  firstAt: Timestamp,
  lastAt: Timestamp,
  byService: Counts,
  byKind: Counts,
  users: Counts,
});

function view(b: Ban) {
  const { liftedAt: _l, ...rest } = b;
  return rest;
}

function intrusion(s: ApiServices, principal: Principal): IntrusionServices {
  if (!principal.installationWide)
    throw new PalisadeError(
      'forbidden',
      'bans are installation-wide: an installation administrator sees them',
    );
  if (!s.intrusion)
    throw new PalisadeError('unavailable', 'intrusion detection is off (ids.enabled)');
  return s.intrusion;
}

export function intrusionRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/intrusion/bans',
      tag: 'intrusion',
      summary: 'Live bans, oldest first',
      permission: 'intrusion:view',
      response: { 200: Type.Array(BanBody) },
      handler: async ({ principal }) => (await intrusion(s, principal).bans.active()).map(view),
    }),
    route({
      method: 'POST',
      url: '/api/v1/intrusion/bans',
      tag: 'intrusion',
      summary: 'Ban an address on every service (until lifted, or for durationSeconds)',
      permission: 'intrusion:change',
      body: NewBan,
      response: { 201: BanBody },
      handler: async ({ principal, actor, body, reply }) => {
        const ban = await intrusion(s, principal).bans.banManually({
          address: body.address,
          reason: body.reason ?? '',
          durationMs: body.durationSeconds == null ? null : body.durationSeconds * 1000,
          by: principal.actor,
        });
        await s.audit.record({
          actor: actor.id,
          action: 'ids.manual-ban',
          outcome: 'success',
          target: `address:${ban.address}`,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { seconds: body.durationSeconds ?? 0 },
        });
        return reply.status(201).send(view(ban));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/intrusion/bans/:address',
      tag: 'intrusion',
      summary: 'Lift the ban of an address',
      permission: 'intrusion:change',
      // checked to be an IP address by the ban service (400 otherwise)
      params: Type.Object(
        { address: Type.String({ minLength: 1, maxLength: 64 }) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ address: Type.String() }) },
      handler: async ({ principal, actor, params }) => {
        await intrusion(s, principal).bans.unban(params.address, principal.actor);
        await s.audit.record({
          actor: actor.id,
          action: 'ids.unban',
          outcome: 'success',
          target: `address:${params.address}`,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
        });
        return { address: params.address };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/intrusion/offenders',
      tag: 'intrusion',
      summary:
        'Top offenders: the latest ban of each address (active or ended in the last 30 days), highest offence first',
      permission: 'intrusion:view',
      query: Type.Object(
        { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(OffenderBody) },
      handler: async ({ principal, query }) =>
        intrusion(s, principal).bans.offenders(query.limit ?? 20),
    }),
    route({
      method: 'GET',
      url: '/api/v1/intrusion/attempts',
      tag: 'intrusion',
      summary:
        'Recent attempts on this node: top sources with services, kinds and user names, and totals',
      permission: 'intrusion:view',
      query: Type.Object(
        { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          top: Type.Array(SourceBody),
          byService: Counts,
          byUser: Counts,
        }),
      },
      handler: async ({ principal, query }) => {
        const { detector } = intrusion(s, principal);
        return { top: detector.attempts.top(query.limit ?? 50), ...detector.attempts.totals() };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/intrusion/counters',
      tag: 'intrusion',
      summary:
        'Counters per detector rule and action, since this node started (for monitoring to export)',
      permission: 'intrusion:view',
      response: {
        200: Type.Array(
          Type.Object({
            name: Type.String(),
            labels: Type.Record(Type.String(), Type.String()),
            value: Type.Integer(),
          }),
        ),
      },
      handler: async ({ principal }) => intrusion(s, principal).metrics.snapshot(),
    }),
  ];
}
