/**
 * Call settings (PRODUCT §A6): the tenant's dial plan and ring groups for
 * admins, and do-not-disturb and forwarding for each user (their own, or an
 * admin's for any user). The schemas bound shapes and sizes; the values
 * themselves are checked by the parser the B2BUA reads with
 * (@palisade/pbx call-settings), whose errors name the field.
 */
import { Type } from 'typebox';
import { tenantFor, type JsonValue } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Id, IdParams } from './schemas.ts';

const Dialled = Type.String({ maxLength: 33, description: 'digits, * or #, optionally after +' });
const Numbers = Type.Array(Dialled, { maxItems: 64 });
const Extension = Type.String({ maxLength: 32, description: 'digits' });
const Strategy = Type.Union([Type.Literal('simultaneous'), Type.Literal('sequential')]);
const PhoneSrtp = Type.Union([Type.Literal('as-caller'), Type.Literal('always')]);
const Seconds = Type.Integer({ description: '5 to 600' });

const RingGroupBody = Type.Object(
  {
    extension: Extension,
    name: Type.String(),
    strategy: Strategy,
    members: Type.Array(Extension),
    ringSeconds: Seconds,
  },
  { additionalProperties: false },
);
const CallSettingsBody = Type.Object(
  {
    emergencyNumbers: Numbers,
    nationalPrefixes: Numbers,
    internationalPrefixes: Numbers,
    noAnswerSeconds: Seconds,
    ringGroups: Type.Array(RingGroupBody),
    phoneSrtp: PhoneSrtp,
  },
  { additionalProperties: false },
);

// Input: fields left out take their defaults; strategy and phoneSrtp are plain
// strings here so a wrong one gets the parser's plain-words message.
const RingGroupInput = Type.Object(
  {
    extension: Extension,
    name: Type.Optional(Type.String({ maxLength: 100 })),
    strategy: Type.Optional(
      Type.String({ maxLength: 16, description: 'simultaneous (default) or sequential' }),
    ),
    members: Type.Array(Extension, { maxItems: 64 }),
    ringSeconds: Type.Optional(Seconds),
  },
  { additionalProperties: false },
);
const CallSettingsInput = Type.Object(
  {
    emergencyNumbers: Type.Optional(Numbers),
    nationalPrefixes: Type.Optional(Numbers),
    internationalPrefixes: Type.Optional(Numbers),
    noAnswerSeconds: Type.Optional(Seconds),
    ringGroups: Type.Optional(Type.Array(RingGroupInput, { maxItems: 64 })),
    phoneSrtp: Type.Optional(
      Type.String({ maxLength: 16, description: 'as-caller (default) or always' }),
    ),
  },
  { additionalProperties: false },
);
const TenantQuery = Type.Object({ tenantId: Type.Optional(Id) }, { additionalProperties: false });

const Target = Type.Union([Type.Null(), Dialled]);
const ForwardingBody = Type.Object(
  {
    doNotDisturb: Type.Boolean({ description: 'calls get busy (486), or go to `busy` if set' }),
    unconditional: Target,
    busy: Target,
    noAnswer: Target,
  },
  { additionalProperties: false },
);
const ForwardingInput = Type.Object(
  {
    doNotDisturb: Type.Optional(Type.Boolean()),
    unconditional: Type.Optional(Target),
    busy: Type.Optional(Target),
    noAnswer: Type.Optional(Target),
  },
  { additionalProperties: false },
);

const json = (v: unknown): JsonValue => v as JsonValue;

export function callSettingsRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/call-settings',
      tag: 'calls',
      summary: 'The dial plan, no-answer timeout, SRTP towards phones and ring groups of a tenant',
      permission: 'dialplan:view',
      query: TenantQuery,
      response: { 200: CallSettingsBody },
      handler: ({ actor, principal, query }) =>
        s.callSettings.get(actor, tenantFor(actor, query.tenantId, principal.tenantId)),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/call-settings',
      tag: 'calls',
      summary: 'Replace the call settings of a tenant (fields left out take their defaults)',
      permission: 'dialplan:change',
      query: TenantQuery,
      body: CallSettingsInput,
      response: { 200: CallSettingsBody },
      handler: ({ actor, principal, query, body }) =>
        s.callSettings.set(actor, tenantFor(actor, query.tenantId, principal.tenantId), json(body)),
    }),
    route({
      method: 'GET',
      url: '/api/v1/me/call-forwarding',
      tag: 'calls',
      summary: 'My do-not-disturb and call forwarding',
      permission: 'self',
      response: { 200: ForwardingBody },
      handler: ({ actor, principal }) => s.callSettings.forwarding(actor, principal.id),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/me/call-forwarding',
      tag: 'calls',
      summary: 'Set my do-not-disturb and call forwarding (targets left out are cleared)',
      permission: 'self',
      body: ForwardingInput,
      response: { 200: ForwardingBody },
      handler: ({ actor, principal, body }) =>
        s.callSettings.setForwarding(actor, principal.id, json(body)),
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/call-forwarding',
      tag: 'calls',
      summary: "A user's do-not-disturb and call forwarding",
      permission: 'users:view',
      params: IdParams,
      response: { 200: ForwardingBody },
      handler: ({ actor, params }) => s.callSettings.forwarding(actor, params.id),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/users/:id/call-forwarding',
      tag: 'calls',
      summary: "Set a user's do-not-disturb and call forwarding (targets left out are cleared)",
      permission: 'users:change',
      params: IdParams,
      body: ForwardingInput,
      response: { 200: ForwardingBody },
      handler: ({ actor, params, body }) =>
        s.callSettings.setForwarding(actor, params.id, json(body)),
    }),
  ];
}
