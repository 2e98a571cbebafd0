/**
 * Reading and changing the call settings of call-settings.ts for the API
 * and the console: the tenant's dial plan and ring groups (admins), and a
 * user's do-not-disturb and forwarding (the user, or an admin). Every value
 * goes through the same parser the B2BUA reads with, then the checks that
 * need the directory: a ring group's extension is nobody else's and is
 * dialled as an internal number, its members are users' extensions. A
 * refused change names the field and stores nothing; every change is audited.
 * A user's new do-not-disturb or forwarding is told (`forwarding-changed`):
 * presence shows do-not-disturb.
 */
import { PalisadeError, TypedEmitter } from '@palisade/common';
import type { JsonValue } from '../ports/json-value.ts';
import type { User } from '../ports/user-repository.ts';
import { assertTenantVisible, type Actor } from '../directory/actor.ts';
import { audited, type DirectoryDeps } from '../directory/directory-deps.ts';
import {
  CALL_SETTINGS_KEY,
  NO_FORWARDING,
  forwardingKey,
  parseCallSettings,
  parseForwarding,
  storedCallSettings,
} from './call-settings.ts';
import type { CallSettings, ForwardingSettings } from './call-settings.ts';
import { classifyNumber } from './dial-plan.ts';

function invalid(field: string, why: string): never {
  throw new PalisadeError('validation_failed', `${field}: ${why}`, { details: { field } });
}

const FORWARDS = ['unconditional', 'busy', 'noAnswer'] as const;

// a type alias so it satisfies TypedEmitter's index signature
export type CallSettingsEvents = {
  readonly 'forwarding-changed': { readonly tenantId: string; readonly userId: string };
};

export class CallSettingsService {
  readonly events = new TypedEmitter<CallSettingsEvents>();
  readonly #deps: DirectoryDeps;
  constructor(deps: DirectoryDeps) {
    this.#deps = deps;
  }

  async get(actor: Actor, tenantId: string): Promise<CallSettings> {
    assertTenantVisible(actor, tenantId, 'tenant');
    return storedCallSettings(this.#deps.store.tenantSettings, tenantId);
  }

  /** Replaces the tenant's call settings; fields left out take their defaults. */
  async set(actor: Actor, tenantId: string, input: JsonValue): Promise<CallSettings> {
    assertTenantVisible(actor, tenantId, 'tenant');
    return audited(
      this.#deps,
      actor,
      'call-settings.update',
      (s) => ({
        tenantId,
        target: `tenant:${tenantId}`,
        detail: {
          emergencyNumbers: s.emergencyNumbers,
          nationalPrefixes: s.nationalPrefixes,
          internationalPrefixes: s.internationalPrefixes,
          noAnswerSeconds: s.noAnswerSeconds,
          phoneSrtp: s.phoneSrtp,
          ringGroups: s.ringGroups.map((g) => g.extension),
        },
      }),
      async () => {
        if (!(await this.#deps.store.tenants.findById(tenantId)))
          throw new PalisadeError('not_found', 'tenant not found');
        const settings = parseCallSettings(input);
        await this.#checkRingGroups(tenantId, settings);
        const value = JSON.parse(JSON.stringify(settings)) as JsonValue;
        await this.#deps.store.tenantSettings.set(tenantId, CALL_SETTINGS_KEY, value);
        return settings;
      },
    );
  }

  async #checkRingGroups(tenantId: string, settings: CallSettings): Promise<void> {
    const seen = new Map<string, number>();
    for (const [i, g] of settings.ringGroups.entries()) {
      const field = `ringGroups[${i}]`;
      const earlier = seen.get(g.extension);
      if (earlier !== undefined)
        invalid(`${field}.extension`, `${g.extension} is also ring group ${earlier + 1}`);
      seen.set(g.extension, i);
      const cls = classifyNumber(g.extension, settings);
      if (cls !== 'internal')
        invalid(
          `${field}.extension`,
          `${g.extension} would be dialled as ${cls === 'national' ? 'a' : 'an'} ${cls} number`,
        );
      const user = await this.#deps.store.users.findByExtension(tenantId, g.extension);
      if (user)
        throw new PalisadeError(
          'conflict',
          `${field}.extension: ${g.extension} is the extension of ${user.username}`,
          { details: { field: `${field}.extension` } },
        );
      const members = new Set<string>();
      for (const [j, m] of g.members.entries()) {
        if (members.has(m)) invalid(`${field}.members[${j}]`, `${m} is listed twice`);
        members.add(m);
        if (!(await this.#deps.store.users.findByExtension(tenantId, m)))
          invalid(`${field}.members[${j}]`, `no user has extension ${m}`);
      }
    }
  }

  async forwarding(actor: Actor, userId: string): Promise<ForwardingSettings> {
    const user = await this.#user(actor, userId);
    const stored = await this.#deps.store.tenantSettings.get(user.tenantId, forwardingKey(user.id));
    return stored ? parseForwarding(stored.value) : NO_FORWARDING;
  }

  /** Replaces a user's do-not-disturb and forwarding; targets left out are cleared. */
  async setForwarding(actor: Actor, userId: string, input: JsonValue): Promise<ForwardingSettings> {
    return audited(
      this.#deps,
      actor,
      'call-forwarding.update',
      (f) => ({
        tenantId: actor.tenantId,
        target: `user:${userId}`,
        detail: { doNotDisturb: f.doNotDisturb, forwards: FORWARDS.filter((k) => f[k] !== null) },
      }),
      async () => {
        const user = await this.#user(actor, userId);
        const forwarding = parseForwarding(input);
        for (const k of FORWARDS)
          if (forwarding[k] === user.extension)
            invalid(
              k,
              `${user.extension} is the user's own extension: forwarding there would loop`,
            );
        const value = JSON.parse(JSON.stringify(forwarding)) as JsonValue;
        await this.#deps.store.tenantSettings.set(user.tenantId, forwardingKey(user.id), value);
        this.events.emit('forwarding-changed', { tenantId: user.tenantId, userId: user.id });
        return forwarding;
      },
    );
  }

  async #user(actor: Actor, userId: string): Promise<User> {
    const user = await this.#deps.store.users.findById(userId);
    if (!user) throw new PalisadeError('not_found', 'user not found');
    assertTenantVisible(actor, user.tenantId, 'user');
    return user;
  }
}
