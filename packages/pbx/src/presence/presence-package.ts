/**
 * The presence event package (RFC 3856) with PIDF bodies (RFC 3863): open
 * or closed from the user's registrations and do-not-disturb, and what
 * keeps them from answering (on the phone, busy, away) from the B2BUA's
 * calls and the status the user set. At most once every 5 s per
 * subscription (§6.8); default expiry 3600 s (§6.4).
 */
import type { ChangeKind, EventPackage, Rendered } from './event-package.ts';
import { PIDF_TYPE, pidfXml } from './pidf-xml.ts';
import { presenceDocument } from './presence-view.ts';
import type { PresenceView } from './presence-view.ts';
import type { WatchedUser } from './watched-user.ts';

export class PresencePackage implements EventPackage {
  readonly name = 'presence';
  readonly contentType = PIDF_TYPE;
  readonly defaultExpires = 3600;
  readonly minIntervalMs = 5000;
  readonly showsEndedDialogs = false;
  readonly follows: ReadonlySet<ChangeKind> = new Set<ChangeKind>([
    'calls',
    'registration',
    'status',
  ]);
  readonly #view: PresenceView;

  constructor(view: PresenceView) {
    this.#view = view;
  }

  async render(user: WatchedUser): Promise<Rendered> {
    const doc = presenceDocument(await this.#view.snapshot(user.tenantId, user.userId));
    return { body: pidfXml(user, doc), fingerprint: JSON.stringify(doc) };
  }
}
