/**
 * The user a subscription watches (the presentity, RFC 3856; the dialog
 * package's entity, RFC 4235), and how a user or a number is written as a
 * SIP URI in a notification body.
 */
import { escapeComponent, formatUri, isUserChar, sipUri } from '@palisade/sip';

export interface WatchedUser {
  readonly tenantId: string;
  readonly userId: string;
  readonly extension: string;
  readonly displayName: string;
  /** The tenant's SIP domain. */
  readonly domain: string;
}

/** `sip:<number>@<domain>`, the number escaped as a URI user part (`#` is `%23`). */
export function numberUri(number: string, domain: string): string {
  return formatUri(sipUri({ user: escapeComponent(number, isUserChar), host: domain }));
}

/** The watched user's address of record: the entity of a notification. */
export const entityOf = (user: WatchedUser): string => numberUri(user.extension, user.domain);
