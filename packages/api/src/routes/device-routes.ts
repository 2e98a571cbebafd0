import { Type } from 'typebox';
import { deviceView } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Deleted, DeviceBody, DeviceCredentialsBody, IdParams, Paging } from './schemas.ts';

const NewDevice = Type.Object(
  {
    sipUsername: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    label: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
const DevicePatch = Type.Object(
  { label: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

export function deviceRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/devices',
      tag: 'devices',
      summary: 'List the devices of a tenant',
      permission: 'devices:view',
      query: Paging,
      response: { 200: Type.Array(DeviceBody) },
      handler: async ({ actor, principal, query }) => {
        const { tenantId, ...paging } = query;
        return (await s.devices.listByTenant(actor, tenantId ?? principal.tenantId, paging)).map(
          deviceView,
        );
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/devices',
      tag: 'devices',
      summary: "List a user's devices",
      permission: 'devices:view',
      params: IdParams,
      response: { 200: Type.Array(DeviceBody) },
      handler: async ({ actor, params }) =>
        (await s.devices.listByUser(actor, params.id)).map(deviceView),
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/devices',
      freshAuth: true,
      tag: 'devices',
      summary: 'Add a device; the response shows its SIP secret once',
      permission: 'devices:change',
      params: IdParams,
      body: NewDevice,
      response: { 201: DeviceCredentialsBody },
      handler: async ({ actor, params, body, reply }) => {
        const creds = await s.devices.add(actor, { userId: params.id, ...body });
        return reply.status(201).send(creds);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/devices/:id',
      tag: 'devices',
      summary: 'Get a device',
      permission: 'devices:view',
      params: IdParams,
      response: { 200: DeviceBody },
      handler: async ({ actor, params }) => deviceView(await s.devices.get(actor, params.id)),
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/devices/:id',
      tag: 'devices',
      summary: 'Relabel a device',
      permission: 'devices:change',
      params: IdParams,
      body: DevicePatch,
      response: { 200: DeviceBody },
      handler: async ({ actor, params, body }) =>
        deviceView(await s.devices.updateLabel(actor, params.id, body.label)),
    }),
    route({
      method: 'POST',
      url: '/api/v1/devices/:id/rotate-secret',
      freshAuth: true,
      tag: 'devices',
      summary: 'Replace the SIP secret; the response shows the new one once',
      permission: 'devices:change',
      params: IdParams,
      response: { 200: DeviceCredentialsBody },
      handler: ({ actor, params }) => s.devices.rotateSecret(actor, params.id),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/devices/:id',
      tag: 'devices',
      summary: 'Delete a device',
      permission: 'devices:change',
      params: IdParams,
      response: { 200: Deleted },
      handler: async ({ actor, params }) => {
        await s.devices.delete(actor, params.id);
        return { deleted: true };
      },
    }),
  ];
}
