/**
 * The last step of every SSO login, owned by the web session layer (issue 5):
 * turn "this local user authenticated via provider P with amr/acr X" into a
 * session. When `authenticated.mfa.result` is `ask-local-factor` the session
 * must wait for Palisade's own second factor; otherwise it may be active.
 *
 * The composition root wires the real implementation; until web sessions
 * exist the unwired port answers 503 after the identity was established,
 * linked and audited.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PalisadeError } from '@palisade/common';
import type { SsoAuthenticated } from '@palisade/security';

export interface SsoSessionRequest {
  readonly authenticated: SsoAuthenticated;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly userAgent: string;
  /** `redirect`: answer the browser with a redirect into the app; `json`: an API login (LDAP form). */
  readonly respondWith: 'redirect' | 'json';
  readonly reply: FastifyReply;
}

export interface CurrentSession {
  readonly userId: string;
  readonly sessionId: string;
}

export interface SsoSessionPort {
  /** Starts the session and sends the response (cookie and redirect, or JSON). */
  completeSsoLogin(request: SsoSessionRequest): Promise<unknown>;
  /**
   * The user and session whose live session this browser request carries
   * (its session cookie), or null. A link started by that user completes
   * only in that user's session; a re-authentication only for its session.
   */
  currentSession(request: FastifyRequest): Promise<CurrentSession | null>;
}

export const unwiredSsoSessionPort: SsoSessionPort = {
  completeSsoLogin() {
    return Promise.reject(
      new PalisadeError(
        'unavailable',
        'sign-in succeeded but web sessions are not available on this server',
      ),
    );
  },
  currentSession() {
    return Promise.resolve(null);
  },
};
