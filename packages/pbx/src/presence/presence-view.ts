/**
 * A user's presence as colleagues see it, put together from what the server
 * knows: the status they set (available, away, busy), do-not-disturb (their
 * call-forwarding setting, which routing obeys), whether a device of theirs
 * is registered, and whether one is ringing or in a call (the B2BUA). The
 * presence package and the colleagues list both read it here.
 */
import type { PbxRepositories } from '../ports/pbx-store.ts';
import type { StoredStatus } from '../ports/presence-repository.ts';
import type { User } from '../ports/user-repository.ts';
import { NO_FORWARDING, forwardingKey, parseForwarding } from '../calls/call-settings.ts';
import type { PresenceDocument } from './pidf-xml.ts';
import type { UserDialogs } from './user-dialogs.ts';

/** What a user can set: `dnd` turns their do-not-disturb on, the others turn it off. */
export const USER_STATUSES = ['available', 'away', 'busy', 'dnd'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface PresenceSnapshot {
  readonly status: UserStatus;
  /** A device of the user has a live registration. */
  readonly registered: boolean;
  /** A device of the user is in an answered call. */
  readonly onCall: boolean;
  /** A device of the user is being rung. */
  readonly ringing: boolean;
}

/** Which users have a device registered now (the registrar's location service). */
export interface RegisteredUsers {
  isRegistered(userId: string): boolean;
}

export interface PresenceViewDeps {
  readonly repos: Pick<PbxRepositories, 'presence' | 'tenantSettings'>;
  readonly registered: RegisteredUsers;
  readonly dialogs: UserDialogs;
}

export class PresenceView {
  readonly #deps: PresenceViewDeps;

  constructor(deps: PresenceViewDeps) {
    this.#deps = deps;
  }

  /** The status a user set, do-not-disturb first. */
  async status(tenantId: string, userId: string): Promise<UserStatus> {
    const [stored, forwarding] = await Promise.all([
      this.#deps.repos.presence.get(userId),
      this.#deps.repos.tenantSettings.get(tenantId, forwardingKey(userId)),
    ]);
    const dnd = forwarding ? parseForwarding(forwarding.value).doNotDisturb : false;
    return dnd ? 'dnd' : (stored?.status ?? 'available');
  }

  async snapshot(tenantId: string, userId: string): Promise<PresenceSnapshot> {
    return this.#live(userId, await this.status(tenantId, userId));
  }

  /** The snapshots of some users of one tenant, reading storage twice in all. */
  async snapshots(
    tenantId: string,
    users: readonly User[],
  ): Promise<Map<string, PresenceSnapshot>> {
    const [stored, settings] = await Promise.all([
      this.#deps.repos.presence.listByTenant(tenantId),
      this.#deps.repos.tenantSettings.list(tenantId),
    ]);
    const statuses = new Map<string, StoredStatus>(stored.map((p) => [p.userId, p.status]));
    const forwarding = new Map(settings.map((s) => [s.key, s.value]));
    const out = new Map<string, PresenceSnapshot>();
    for (const user of users) {
      const f = forwarding.get(forwardingKey(user.id));
      const dnd = (f === undefined ? NO_FORWARDING : parseForwarding(f)).doNotDisturb;
      out.set(user.id, this.#live(user.id, dnd ? 'dnd' : (statuses.get(user.id) ?? 'available')));
    }
    return out;
  }

  #live(userId: string, status: UserStatus): PresenceSnapshot {
    return {
      status,
      registered: this.#deps.registered.isRegistered(userId),
      onCall: this.#deps.dialogs.onCall(userId),
      ringing: this.#deps.dialogs.ringing(userId),
    };
  }
}

const NOTES: Readonly<Record<UserStatus, string>> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  dnd: 'Do not disturb',
};

/**
 * The PIDF document of a snapshot: `open` when a device is registered and
 * calls get through (not do-not-disturb); the activity that keeps the user
 * from answering, do-not-disturb first, then a call, then their status.
 */
export function presenceDocument(s: PresenceSnapshot): PresenceDocument {
  const basic = s.registered && s.status !== 'dnd' ? 'open' : 'closed';
  if (s.status === 'dnd') return { basic, activity: 'busy', note: NOTES.dnd };
  if (s.onCall) return { basic, activity: 'on-the-phone', note: 'On the phone' };
  if (s.status === 'busy' || s.status === 'away')
    return { basic, activity: s.status, note: NOTES[s.status] };
  return { basic, activity: null, note: s.registered ? NOTES.available : 'Offline' };
}
