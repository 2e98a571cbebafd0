/**
 * Registers the whole HTTP API on a Fastify instance: security headers, the
 * error shape, health, the OpenAPI document and every domain's routes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '@palisade/common';
import { registerErrorHandler } from './http/error-handler.ts';
import { registerHealthRoutes, type ReadinessCheck } from './http/health-routes.ts';
import { buildOpenApi } from './http/openapi.ts';
import { registerRoutes, type Principal, type RouteSpec } from './http/route-kit.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import type { ApiServices } from './routes/api-services.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { deviceRoutes } from './routes/device-routes.ts';
import { groupRoutes } from './routes/group-routes.ts';
import { registrationRoutes } from './routes/registration-routes.ts';
import { setupRoutes } from './routes/setup-routes.ts';
import { tenantRoutes } from './routes/tenant-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { userRoutes } from './routes/user-routes.ts';

export function apiRoutes(services: ApiServices): RouteSpec[] {
  return [
    ...tenantRoutes(services),
    ...userRoutes(services),
    ...deviceRoutes(services),
    ...groupRoutes(services),
    ...registrationRoutes(services),
    ...tokenRoutes(services),
    ...auditRoutes(services),
    ...setupRoutes(services),
  ];
}

/** Bearer API tokens → principal. Tokens created on the host (`cli`) carry the super-admin's powers within their scopes. */
export function bearerAuthenticator(
  services: ApiServices,
): (request: FastifyRequest) => Promise<Principal | null> {
  return async (request) => {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.length > 512) return null;
    const match = /^Bearer ([!-~]+)$/i.exec(header);
    if (!match?.[1]) return null;
    const token = await services.tokens.authenticate(match[1]);
    if (!token) return null;
    const permissions = new Set(token.scopes);
    return {
      kind: 'token',
      id: token.id,
      tenantId: token.tenantId,
      permissions,
      actor: `token:${token.id}`,
      installationWide: permissions.has('tenants:view') || permissions.has('tenants:change'),
      isSuperAdmin: token.createdBy === 'cli',
    };
  };
}

export interface ApiOptions {
  readonly services: ApiServices;
  readonly logger: Logger;
  readonly version: string;
  readonly readiness: readonly ReadinessCheck[];
}

export function registerApi(app: FastifyInstance, options: ApiOptions): RouteSpec[] {
  registerSecurityHeaders(app);
  registerErrorHandler(app, options.logger);
  registerHealthRoutes(app, options.readiness);
  const routes = apiRoutes(options.services);
  const openapi = buildOpenApi(routes, options.version);
  app.get('/api/openapi.json', async () => openapi);
  registerRoutes(app, routes, bearerAuthenticator(options.services));
  return routes;
}
