/**
 * An event package (RFC 6665 §7) as the notifier serves it: its name (the
 * Event header), the body type it sends, its default subscription length,
 * how often a subscription may be notified of changes, which changes of
 * the watched user concern it, and how it renders the user's state.
 */
import type { UserDialog } from './user-dialogs.ts';
import type { WatchedUser } from './watched-user.ts';

/** What changed about a watched user. */
export type ChangeKind = 'calls' | 'registration' | 'status';

export interface Rendered {
  readonly body: string;
  /** Equal fingerprints: the watcher would learn nothing new (the version aside). */
  readonly fingerprint: string;
}

export interface EventPackage {
  /** The event type, lower case. */
  readonly name: string;
  readonly contentType: string;
  /** Seconds a SUBSCRIBE without Expires gets (the package's default). */
  readonly defaultExpires: number;
  /** Least time between two notifications caused by changes. */
  readonly minIntervalMs: number;
  /** Whether dialogs that ended are shown once as terminated (the dialog package). */
  readonly showsEndedDialogs: boolean;
  readonly follows: ReadonlySet<ChangeKind>;
  /** The body of a NOTIFY: `version` counts the subscription's NOTIFYs from 0. */
  render(user: WatchedUser, version: number, ended: readonly UserDialog[]): Promise<Rendered>;
}
