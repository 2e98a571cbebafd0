/**
 * The web phone's SIP credentials end with the web session they were minted
 * from: logout or an ended session drops that session's credentials; a
 * disabled user, "log out everywhere" or a password change drops all of the
 * user's (but the current session's when it is kept).
 */
import type { SessionService, WebphoneTokenService } from '@palisade/security';

export function revokeWebphoneWithSessions(
  sessions: Pick<SessionService, 'onEnded'>,
  tokens: Pick<WebphoneTokenService, 'revokeSession' | 'revokeUser'>,
): void {
  sessions.onEnded((ended) => {
    if ('sessionId' in ended) tokens.revokeSession(ended.sessionId);
    else tokens.revokeUser(ended.userId, ended.exceptSessionId);
  });
}
