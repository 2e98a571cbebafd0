/**
 * The dialog event package (RFC 4235), what phones' busy-lamp fields
 * subscribe to: the dialogs of the watched user's devices from the B2BUA's
 * call state — idle (no dialog), early (ringing), confirmed (busy). At most
 * once a second per subscription (§3.10); default expiry 3600 s (§3.3).
 */
import { DIALOG_INFO_TYPE, dialogInfoXml } from './dialog-info-xml.ts';
import type { ChangeKind, EventPackage, Rendered } from './event-package.ts';
import type { UserDialog, UserDialogs } from './user-dialogs.ts';
import type { WatchedUser } from './watched-user.ts';

/** Live dialogs listed at most (a document stays small enough for UDP). */
const MAX_DIALOGS = 8;

export class DialogPackage implements EventPackage {
  readonly name = 'dialog';
  readonly contentType = DIALOG_INFO_TYPE;
  readonly defaultExpires = 3600;
  readonly minIntervalMs = 1000;
  readonly showsEndedDialogs = true;
  readonly follows: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['calls']);
  readonly #dialogs: UserDialogs;

  constructor(dialogs: UserDialogs) {
    this.#dialogs = dialogs;
  }

  render(user: WatchedUser, version: number, ended: readonly UserDialog[]): Promise<Rendered> {
    const live = this.#dialogs.of(user.userId).slice(0, MAX_DIALOGS);
    return Promise.resolve({
      body: dialogInfoXml(user, version, [...live, ...ended]),
      fingerprint: JSON.stringify(live.map((d) => [d.id, d.state, d.peer, d.identity])),
    });
  }
}
