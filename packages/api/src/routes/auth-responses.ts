/** Turning login outcomes into responses: the cookie for an active session, the login token for a pending one. */
import type { FastifyReply } from 'fastify';
import { PalisadeError } from '@palisade/common';
import type { IssuedSession, LoginOutcome, SessionService, WebSession } from '@palisade/security';
import { sessionCookie } from '../http/session-cookie.ts';

export function sessionView(s: WebSession, currentId?: string) {
  return {
    id: s.id,
    kind: s.kind,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    remoteAddress: s.remoteAddress,
    userAgent: s.userAgent,
    userId: s.userId,
    tenantId: s.tenantId,
    ...(currentId !== undefined ? { current: s.id === currentId } : {}),
  };
}

export function sendActive(reply: FastifyReply, issued: IssuedSession, now: number): FastifyReply {
  const s = issued.session;
  void reply.header('set-cookie', sessionCookie(issued.token, s.kind, (s.expiresAt - now) / 1000));
  void reply.header('cache-control', 'no-store');
  return reply.status(200).send({
    status: 'active',
    csrfToken: issued.csrfToken,
    mfaEnrolmentRequired: s.mustEnrolMfa,
    session: sessionView(s),
  });
}

export function sendOutcome(reply: FastifyReply, outcome: LoginOutcome, now: number): FastifyReply {
  if (outcome.status === 'active') return sendActive(reply, outcome.issued, now);
  void reply.header('cache-control', 'no-store');
  return reply.status(200).send({
    status: outcome.stage,
    loginToken: outcome.issued.token,
    methods: [...outcome.methods],
  });
}

/** A privilege change: the same session gets a new token (cookie) and CSRF token. */
export async function rotateSession(
  sessions: SessionService,
  session: WebSession,
  reply: FastifyReply,
  patch: { mustEnrolMfa?: boolean } = {},
): Promise<string> {
  const rotated = await sessions.rotate(session, patch);
  if (!rotated) throw new PalisadeError('unauthenticated', 'the session ended');
  void reply.header(
    'set-cookie',
    sessionCookie(rotated.token, session.kind, (session.expiresAt - Date.now()) / 1000),
  );
  return rotated.csrfToken;
}
