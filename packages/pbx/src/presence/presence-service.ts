/**
 * Presence for the API and the user app (PRODUCT §E2, §F1): a user reads
 * and sets their own status (available, away, busy, do-not-disturb) and
 * sees their colleagues' — the status they set, whether a device of theirs
 * is registered, ringing or in a call. Do-not-disturb is the user's
 * call-forwarding setting (CallSettingsService: routing gives callers busy),
 * so setting it here and on the call-forwarding page is one and the same;
 * the other statuses are stored in the presence repository. Every change is
 * audited (`presence.update`) and told (`changed`) to the notifier.
 */
import { PalisadeError, TypedEmitter } from '@palisade/common';
import type { CallSettingsService } from '../calls/call-settings-service.ts';
import { assertTenantVisible, type Actor } from '../directory/actor.ts';
import { audited, type DirectoryDeps } from '../directory/directory-deps.ts';
import type { JsonValue } from '../ports/json-value.ts';
import type { ListOptions } from '../ports/list-options.ts';
import type { User } from '../ports/user-repository.ts';
import { USER_STATUSES } from './presence-view.ts';
import type { PresenceSnapshot, PresenceView, UserStatus } from './presence-view.ts';

/** One user's presence as the API shows it. */
export interface PresenceEntry extends PresenceSnapshot {
  readonly userId: string;
  readonly extension: string;
  readonly displayName: string;
}

// a type alias so it satisfies TypedEmitter's index signature
export type PresenceEvents = {
  /** The status a user set changed (do-not-disturb included). */
  readonly changed: { readonly tenantId: string; readonly userId: string };
};

const isObject = (v: JsonValue): v is { readonly [key: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isStatus = (v: unknown): v is UserStatus =>
  typeof v === 'string' && (USER_STATUSES as readonly string[]).includes(v);

export class PresenceService {
  readonly events = new TypedEmitter<PresenceEvents>();
  readonly #deps: DirectoryDeps;
  readonly #view: PresenceView;
  readonly #callSettings: CallSettingsService;

  constructor(deps: DirectoryDeps, view: PresenceView, callSettings: CallSettingsService) {
    this.#deps = deps;
    this.#view = view;
    this.#callSettings = callSettings;
    // do-not-disturb set on the call-forwarding page is a presence change too
    callSettings.events.on('forwarding-changed', (c) => this.events.emit('changed', c));
  }

  async get(actor: Actor, userId: string): Promise<PresenceEntry> {
    const user = await this.#user(actor, userId);
    return entry(user, await this.#view.snapshot(user.tenantId, user.id));
  }

  /** Sets a user's status from `{ status }`; do-not-disturb goes through their call forwarding. */
  async set(actor: Actor, userId: string, input: JsonValue): Promise<PresenceEntry> {
    const status = isObject(input) ? input['status'] : undefined;
    return audited(
      this.#deps,
      actor,
      'presence.update',
      (e) => ({
        tenantId: actor.tenantId,
        target: `user:${e.userId}`,
        detail: { status: e.status },
      }),
      async () => {
        if (!isStatus(status))
          throw new PalisadeError(
            'validation_failed',
            `status: must be one of ${USER_STATUSES.join(', ')}`,
            { details: { field: 'status' } },
          );
        const user = await this.#user(actor, userId);
        const forwarding = await this.#callSettings.forwarding(actor, user.id);
        if (status !== 'dnd') await this.#deps.store.presence.set(user.tenantId, user.id, status);
        if (forwarding.doNotDisturb !== (status === 'dnd'))
          await this.#callSettings.setForwarding(actor, user.id, {
            ...forwarding,
            doNotDisturb: status === 'dnd',
          });
        this.events.emit('changed', { tenantId: user.tenantId, userId: user.id });
        return entry(user, await this.#view.snapshot(user.tenantId, user.id));
      },
    );
  }

  /** The active users of a tenant with their presence, ordered by username. */
  async list(actor: Actor, tenantId: string, options?: ListOptions): Promise<PresenceEntry[]> {
    assertTenantVisible(actor, tenantId, 'tenant');
    const users = (await this.#deps.store.users.list(tenantId, options)).filter(
      (u) => u.state === 'active',
    );
    const snapshots = await this.#view.snapshots(tenantId, users);
    return users.flatMap((u) => {
      const s = snapshots.get(u.id);
      return s ? [entry(u, s)] : [];
    });
  }

  async #user(actor: Actor, userId: string): Promise<User> {
    const user = await this.#deps.store.users.findById(userId);
    if (!user) throw new PalisadeError('not_found', 'user not found');
    assertTenantVisible(actor, user.tenantId, 'user');
    return user;
  }
}

function entry(user: User, s: PresenceSnapshot): PresenceEntry {
  return { userId: user.id, extension: user.extension, displayName: user.displayName, ...s };
}
