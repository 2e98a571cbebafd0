/**
 * Registers the whole HTTP API on a Fastify instance: security headers, the
 * error shape, health, the OpenAPI document and every domain's routes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '@palisade/common';
import { registerErrorHandler } from './http/error-handler.ts';
import { registerHealthRoutes, type ReadinessCheck } from './http/health-routes.ts';
import { buildOpenApi } from './http/openapi.ts';
import { crossSiteGuard } from './http/request-guard.ts';
import {
  registerRoutes,
  type Authenticate,
  type DenialListener,
  type Principal,
  type RouteSpec,
} from './http/route-kit.ts';
import { sessionAuthenticator } from './http/session-authenticator.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import type { ApiServices } from './routes/api-services.ts';
import { accountSecurityRoutes } from './routes/account-security-routes.ts';
import { intrusionRoutes } from './routes/intrusion-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { sessionAdminRoutes } from './routes/session-admin-routes.ts';
import { userPasswordRoutes } from './routes/user-password-routes.ts';
import { webphoneRoutes } from './routes/webphone-routes.ts';
import { deviceRoutes } from './routes/device-routes.ts';
import { groupRoutes } from './routes/group-routes.ts';
import { registrationRoutes } from './routes/registration-routes.ts';
import { callSettingsRoutes } from './routes/call-settings-routes.ts';
import { cdrRoutes } from './routes/cdr-routes.ts';
import { liveCallRoutes } from './routes/live-call-routes.ts';
import { presenceRoutes } from './routes/presence-routes.ts';
import { setupRoutes } from './routes/setup-routes.ts';
import { tenantRoutes } from './routes/tenant-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { userRoutes } from './routes/user-routes.ts';
import { ssoAdminRoutes } from './sso/sso-admin-routes.ts';
import { ssoLoginRoutes } from './sso/sso-login-routes.ts';
import { ssoReauthRoutes } from './sso/sso-reauth-routes.ts';

export function apiRoutes(services: ApiServices): RouteSpec[] {
  return [
    ...tenantRoutes(services),
    ...userRoutes(services),
    ...deviceRoutes(services),
    ...groupRoutes(services),
    ...registrationRoutes(services),
    ...cdrRoutes(services),
    ...liveCallRoutes(services),
    ...callSettingsRoutes(services),
    ...presenceRoutes(services),
    ...tokenRoutes(services),
    ...auditRoutes(services),
    ...intrusionRoutes(services),
    ...setupRoutes(services),
    ...authRoutes(services),
    ...accountSecurityRoutes(services),
    ...sessionAdminRoutes(services),
    ...ssoAdminRoutes(services),
    ...ssoLoginRoutes(services),
    ...ssoReauthRoutes(services),
    ...userPasswordRoutes(services),
    ...webphoneRoutes(services),
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

/** A bearer token when an Authorization header is present, else the session cookie. */
export function apiAuthenticator(services: ApiServices): Authenticate {
  const bearer = bearerAuthenticator(services);
  const session = sessionAuthenticator(services.identity);
  return (request) => (request.headers.authorization ? bearer(request) : session(request));
}

/** Every refusal of an identified caller (403) goes to the audit trail. */
export function auditDenials(services: ApiServices): DenialListener {
  return async (request, principal, spec, reason) => {
    if (!principal) return;
    await services.audit.record({
      actor: principal.actor,
      action: 'http.denied',
      outcome: 'denied',
      tenantId: principal.tenantId || null,
      remoteAddress: request.socket.remoteAddress,
      remotePort: request.socket.remotePort,
      detail: {
        method: spec.method,
        route: spec.url,
        permission: spec.permission,
        reason: reason.slice(0, 200),
      },
    });
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
  const identity = options.services.identity;
  registerRoutes(app, routes, {
    authenticate: apiAuthenticator(options.services),
    guard: crossSiteGuard(identity.origins, (principal, presented) => {
      const session = principal.web?.session;
      return session !== undefined && identity.sessions.checkCsrf(session, presented);
    }),
    onDenied: auditDenials(options.services),
    isFresh: (principal) =>
      principal.web !== undefined && identity.sessions.isFresh(principal.web.session),
  });
  return routes;
}
