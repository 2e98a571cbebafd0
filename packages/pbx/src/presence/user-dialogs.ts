/**
 * Per user, the dialogs their devices are in, kept from the B2BUA's
 * `activity` reports (calls/call-parties.ts): what a busy-lamp field shows
 * (RFC 4235) and whether presence says "on the phone". A report lists a
 * call's parties now; the difference with the last report of that call is
 * what changed: new dialogs, new states, and the dialogs that ended (handed
 * to watchers once, in the change that ended them, as `terminated`).
 *
 * Memory follows the live calls: a call's entries go with its last report.
 */
import { randomBytes } from 'node:crypto';
import { TypedEmitter } from '@palisade/common';
import type {
  CallActivity,
  CallParty,
  PartyDirection,
  PartyIdentity,
  PartyState,
} from '../calls/call-parties.ts';

/** One dialog of a watched user's device, as a watcher sees it. */
export interface UserDialog {
  /** Random per (call, device, direction): the dialog element's id; no SIP identifier leaks. */
  readonly id: string;
  readonly deviceId: string;
  readonly direction: PartyDirection;
  readonly state: PartyState | 'terminated';
  /** The other end as the user's phone sees it. */
  readonly peer: PartyIdentity;
  /** The user's own identity in this dialog (their extension, or what was dialled for them). */
  readonly identity: PartyIdentity;
}

export interface UserDialogsChange {
  readonly tenantId: string;
  readonly userId: string;
  /** Dialogs that ended in this change (state `terminated`). */
  readonly ended: readonly UserDialog[];
}

// a type alias so it satisfies TypedEmitter's index signature
export type UserDialogsEvents = {
  readonly changed: UserDialogsChange;
};

const RANK: Readonly<Record<PartyState, number>> = { trying: 0, early: 1, confirmed: 2 };

interface Entry {
  readonly userId: string;
  dialog: UserDialog;
}

const partyKey = (p: CallParty): string => `${p.userId}\u0000${p.deviceId}\u0000${p.direction}`;

export class UserDialogs {
  readonly events = new TypedEmitter<UserDialogsEvents>();
  /** callId → party key → entry */
  readonly #calls = new Map<string, Map<string, Entry>>();
  /** userId → dialog id → dialog */
  readonly #users = new Map<string, Map<string, UserDialog>>();

  /** A call's parties now (an empty list: the call is over). */
  update(activity: CallActivity): void {
    const before = this.#calls.get(activity.callId) ?? new Map<string, Entry>();
    const now = latestParties(activity.parties);
    const changed = new Map<string, UserDialog[]>();
    const touch = (userId: string): UserDialog[] => {
      let list = changed.get(userId);
      if (!list) changed.set(userId, (list = []));
      return list;
    };
    const after = new Map<string, Entry>();
    for (const [key, party] of now) {
      const old = before.get(key);
      const dialog: UserDialog = {
        id: old?.dialog.id ?? `d${randomBytes(8).toString('hex')}`,
        deviceId: party.deviceId,
        direction: party.direction,
        state: party.state,
        peer: party.peer,
        identity: party.identity,
      };
      after.set(key, { userId: party.userId, dialog });
      if (!old || !sameDialog(old.dialog, dialog)) {
        this.#user(party.userId).set(dialog.id, dialog);
        touch(party.userId);
      }
    }
    for (const [key, old] of before) {
      if (after.has(key)) continue;
      const dialogs = this.#users.get(old.userId);
      dialogs?.delete(old.dialog.id);
      if (dialogs?.size === 0) this.#users.delete(old.userId);
      touch(old.userId).push({ ...old.dialog, state: 'terminated' });
    }
    if (after.size === 0) this.#calls.delete(activity.callId);
    else this.#calls.set(activity.callId, after);
    for (const [userId, ended] of changed)
      this.events.emit('changed', { tenantId: activity.tenantId, userId, ended });
  }

  /** The live dialogs of a user's devices, oldest first. */
  of(userId: string): UserDialog[] {
    return [...(this.#users.get(userId)?.values() ?? [])];
  }

  /** Whether a device of the user is in an answered call. */
  onCall(userId: string): boolean {
    return this.of(userId).some((d) => d.state === 'confirmed');
  }

  /** Whether a device of the user is being rung. */
  ringing(userId: string): boolean {
    return this.of(userId).some((d) => d.state === 'early' && d.direction === 'recipient');
  }

  #user(userId: string): Map<string, UserDialog> {
    let map = this.#users.get(userId);
    if (!map) this.#users.set(userId, (map = new Map<string, UserDialog>()));
    return map;
  }
}

/** One party per (user, device, direction); a device listed twice keeps its furthest state. */
function latestParties(parties: readonly CallParty[]): Map<string, CallParty> {
  const out = new Map<string, CallParty>();
  for (const p of parties) {
    const key = partyKey(p);
    const seen = out.get(key);
    if (!seen || RANK[p.state] > RANK[seen.state]) out.set(key, p);
  }
  return out;
}

function sameDialog(a: UserDialog, b: UserDialog): boolean {
  return (
    a.state === b.state &&
    a.peer.number === b.peer.number &&
    a.peer.displayName === b.peer.displayName &&
    a.identity.number === b.identity.number
  );
}
