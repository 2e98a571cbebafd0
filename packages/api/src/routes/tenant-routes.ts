import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Deleted, IdParams, Paging, TenantBody } from './schemas.ts';

const NewTenant = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    sipDomain: Type.String({ minLength: 1, maxLength: 253 }),
  },
  { additionalProperties: false },
);
const TenantPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    sipDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function tenantRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/tenants',
      tag: 'tenants',
      summary: 'List tenants',
      permission: 'tenants:view',
      query: Paging,
      response: { 200: Type.Array(TenantBody) },
      handler: ({ actor, query }) => s.tenants.list(actor, query),
    }),
    route({
      method: 'POST',
      url: '/api/v1/tenants',
      tag: 'tenants',
      summary: 'Create a tenant with its default groups',
      permission: 'tenants:change',
      body: NewTenant,
      response: { 201: TenantBody },
      handler: async ({ actor, body, reply }) => {
        const tenant = await s.tenants.create(actor, body);
        return reply.status(201).send(tenant);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/tenants/:id',
      tag: 'tenants',
      summary: 'Get a tenant',
      permission: 'tenants:view',
      params: IdParams,
      response: { 200: TenantBody },
      handler: ({ actor, params }) => s.tenants.get(actor, params.id),
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/tenants/:id',
      tag: 'tenants',
      summary: 'Rename a tenant or change its SIP domain',
      permission: 'tenants:change',
      params: IdParams,
      body: TenantPatch,
      response: { 200: TenantBody },
      handler: ({ actor, params, body }) => s.tenants.update(actor, params.id, body),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/tenants/:id',
      tag: 'tenants',
      summary: 'Delete a tenant and everything it owns',
      permission: 'tenants:change',
      params: IdParams,
      response: { 200: Deleted },
      handler: async ({ actor, params }) => {
        await s.tenants.delete(actor, params.id);
        return { deleted: true };
      },
    }),
  ];
}
