/**
 * Every API route is declared as data: method, path, the permission it needs,
 * and schemas for its input and output. From that one table come the Fastify
 * registration (validation, authorization), the OpenAPI document, and the
 * tests that walk all routes (401 without credentials, 403 without the
 * permission, cross-site refusals).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { PalisadeError } from '@palisade/common';
import type { Actor } from '@palisade/pbx';
import { permits, type Permission, type WebSession } from '@palisade/security';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a session principal carries beside the common fields. */
export interface SessionInfo {
  readonly session: WebSession;
  /** The session's CSRF token (derived from the cookie), for the page to send back. */
  readonly csrfToken: string;
  /** The password is past the policy's maximum age: only a password change is open. */
  readonly passwordExpired?: boolean;
}

/**
 * Who is calling: an API token, a signed-in user's web session (cookie), or
 * nobody on the few routes declared public (setup, login).
 */
export interface Principal {
  readonly kind: 'token' | 'session' | 'anonymous';
  readonly id: string;
  readonly tenantId: string;
  readonly permissions: ReadonlySet<string>;
  /** For audit entries: `token:<id>`. */
  readonly actor: string;
  /** May act on every tenant (holds a tenants permission), not only its own. */
  readonly installationWide: boolean;
  /** Holds the super-admin's own powers (admin groups), within its permissions. */
  readonly isSuperAdmin: boolean;
  /** Only for kind 'session'. */
  readonly web?: SessionInfo;
}

export interface RequestContext<B, P, Q> {
  readonly body: B;
  readonly params: P;
  readonly query: Q;
  readonly principal: Principal;
  /** The principal as the directory services see it, with the request's source. */
  readonly actor: Actor;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly reply: FastifyReply;
}

type Maybe<S> = S extends TSchema ? Static<S> : undefined;

export interface RouteSpec<
  Body extends TSchema | undefined = TSchema | undefined,
  Params extends TSchema | undefined = TSchema | undefined,
  Query extends TSchema | undefined = TSchema | undefined,
> {
  readonly method: HttpMethod;
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /**
   * `public` only for routes that authenticate by other means (a setup token,
   * a password in the body); `self` for a signed-in user acting on their own
   * account (web sessions only: API tokens get 403).
   */
  readonly permission: Permission | 'public' | 'self';
  /**
   * A security change (e-mail, phone, SIP secrets, …): a web session must have
   * re-authenticated recently (API tokens carry no password to re-check).
   */
  readonly freshAuth?: boolean;
  /** A `self` route a session that must first enrol a second factor may use. */
  readonly duringMfaEnrolment?: boolean;
  /** A `self` route a session whose password expired may use (to change it). */
  readonly duringPasswordChange?: boolean;
  readonly body?: Body;
  readonly params?: Params;
  readonly query?: Query;
  /** Status → schema of the success body; errors share ApiErrorBody. */
  readonly response: Readonly<Record<number, TSchema>>;
  readonly handler: (
    ctx: RequestContext<Maybe<Body>, Maybe<Params>, Maybe<Query>>,
  ) => Promise<unknown>;
}

/** Declares a route with its types inferred from its schemas. */
export function route<
  B extends TSchema | undefined = undefined,
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
>(spec: RouteSpec<B, P, Q>): RouteSpec {
  return spec;
}

export const ANONYMOUS: Principal = {
  kind: 'anonymous',
  id: 'anonymous',
  tenantId: '',
  permissions: new Set(),
  actor: 'anonymous',
  installationWide: false,
  isSuperAdmin: false,
};

export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

/** Refuses a state-changing request that is cross-site or lacks its CSRF token (throws forbidden). */
export type RequestGuard = (request: FastifyRequest, principal: Principal) => Promise<void>;

/** Told of every refused request (for the audit trail). */
export type DenialListener = (
  request: FastifyRequest,
  principal: Principal | null,
  spec: RouteSpec,
  reason: string,
) => Promise<void>;

export interface RouteSecurity {
  readonly authenticate: Authenticate;
  /** Whether a session principal re-authenticated recently enough for `freshAuth` routes. */
  readonly isFresh?: (principal: Principal) => boolean;
  readonly guard?: RequestGuard;
  readonly onDenied?: DenialListener;
}

/** Throws forbidden unless `principal` may call the route. */
export function authorize(spec: RouteSpec, principal: Principal): void {
  if (spec.permission === 'public') return;
  if (principal.kind === 'session' && principal.web?.passwordExpired === true) {
    if (spec.permission === 'self' && spec.duringPasswordChange === true) return;
    throw new PalisadeError('forbidden', 'your password has expired: change it first', {
      details: { reason: 'password-expired' },
    });
  }
  if (principal.kind === 'session' && principal.web?.session.mustEnrolMfa) {
    if (spec.permission === 'self' && spec.duringMfaEnrolment === true) return;
    throw new PalisadeError('forbidden', 'enrol a second factor first', {
      details: { reason: 'mfa-enrolment-required' },
    });
  }
  if (spec.permission === 'self') {
    if (principal.kind !== 'session')
      throw new PalisadeError(
        'forbidden',
        'this needs the permission self: a signed-in user, not an API token',
      );
    return;
  }
  if (!permits(principal.permissions, spec.permission))
    throw new PalisadeError('forbidden', `this needs the permission ${spec.permission}`);
}

const STATE_CHANGING = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isStateChanging = (method: HttpMethod): boolean => STATE_CHANGING.has(method);

export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteSpec[],
  security: RouteSecurity,
): void {
  const { authenticate, guard, onDenied, isFresh } = security;
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      schema: {
        ...(spec.body ? { body: spec.body } : {}),
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { querystring: spec.query } : {}),
        response: spec.response,
      },
      // Authentication before validation: an anonymous caller learns nothing about the schema.
      onRequest: async (request) => {
        const principal = spec.permission === 'public' ? ANONYMOUS : await authenticate(request);
        if (!principal) {
          await onDenied?.(request, null, spec, 'unauthenticated');
          throw new PalisadeError('unauthenticated', 'authentication required');
        }
        try {
          if (guard && isStateChanging(spec.method)) await guard(request, principal);
          authorize(spec, principal);
          if (spec.freshAuth && principal.kind === 'session' && isFresh && !isFresh(principal))
            throw new PalisadeError(
              'forbidden',
              'confirm it is you first (POST /api/v1/auth/reauth, or through your identity provider)',
              {
                details: { reason: 'reauthentication-required' },
              },
            );
        } catch (err) {
          await onDenied?.(request, principal, spec, (err as Error).message);
          throw err;
        }
        (request as FastifyRequest & { principal?: Principal }).principal = principal;
      },
      handler: async (request, reply) => {
        const principal = (request as FastifyRequest & { principal?: Principal }).principal;
        if (!principal) throw new PalisadeError('unauthenticated', 'authentication required');
        const remoteAddress = request.socket.remoteAddress ?? '';
        const remotePort = request.socket.remotePort ?? 0;
        const result = await spec.handler({
          body: request.body,
          params: request.params,
          query: request.query,
          principal,
          actor: {
            id: principal.actor,
            tenantId: principal.installationWide ? null : principal.tenantId,
            isSuperAdmin: principal.isSuperAdmin,
            remoteAddress,
            remotePort,
          },
          remoteAddress,
          remotePort,
          reply,
        });
        if (reply.sent) return reply;
        return result;
      },
    });
  }
}
