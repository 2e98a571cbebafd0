/**
 * Who rings for a dialled extension (PRODUCT §A7): a ring group
 * (simultaneous or sequential, members on do-not-disturb skipped), or a
 * user with their forwarding (unconditional, busy, no answer) and
 * do-not-disturb, followed up to MAX_FORWARDS hops. Each round of ringing
 * is the call's own (`RoutingCall.attempt`): this file decides only whom.
 */
import type { PbxRepositories } from '../ports/pbx-store.ts';
import type { User } from '../ports/user-repository.ts';
import { failure } from './call-outcome.ts';
import type { Ending } from './call-outcome.ts';
import type { CallTarget, LocationLookup } from './call-ports.ts';
import { NO_FORWARDING, forwardingKey, parseForwarding } from './call-settings.ts';
import type { CallSettings, ForwardingSettings } from './call-settings.ts';
import type { AttemptOutcome } from './ring-attempt.ts';

/** How deep forwarding may chain (A → B → C …) before we stop: loop protection. */
const MAX_FORWARDS = 5;

/** The call being routed, as the routing sees it. */
export interface RoutingCall {
  readonly tenantId: string;
  /** The caller's own device never rings for their own call. */
  readonly callerDeviceId: string;
  readonly users: PbxRepositories['users'];
  readonly tenantSettings: PbxRepositories['tenantSettings'];
  readonly location: LocationLookup;
  /** The caller sent CANCEL. */
  cancelled(): boolean;
  /** `userId`'s devices are about to ring: the CDR's callee until a device answers. */
  ringing(userId: string): void;
  /** The caller dialled an extension that does not exist. */
  notFound(number: string): void;
  /** One round of ringing: `targets` for at most `seconds`. */
  attempt(targets: readonly CallTarget[], seconds: number): Promise<AttemptOutcome>;
}

async function forwarding(call: RoutingCall, userId: string): Promise<ForwardingSettings> {
  const stored = await call.tenantSettings.get(call.tenantId, forwardingKey(userId));
  return stored ? parseForwarding(stored.value) : NO_FORWARDING;
}

/**
 * Rings the extension `number`: a ring group, or a user with their
 * forwarding and do-not-disturb; follows forwarding up to MAX_FORWARDS.
 */
export async function ringExtension(
  call: RoutingCall,
  number: string,
  settings: CallSettings,
  depth = 0,
): Promise<AttemptOutcome | Ending> {
  if (depth > MAX_FORWARDS) return failure(482, 'forward_loop');
  if (call.cancelled()) return { kind: 'cancelled' };
  const group = settings.ringGroups.find((g) => g.extension === number);
  if (group) {
    const members = await groupMembers(call, group.members);
    switch (group.strategy) {
      case 'simultaneous': {
        const targets = (await Promise.all(members.map((u) => contacts(call, u)))).flat();
        if (targets.length === 0) return failure(480, 'unavailable');
        return call.attempt(targets, settings.noAnswerSeconds);
      }
      case 'sequential': {
        let last: AttemptOutcome | Ending = failure(480, 'unavailable');
        for (const member of members) {
          const targets = await contacts(call, member);
          if (targets.length === 0) continue;
          last = await call.attempt(targets, group.ringSeconds);
          if ('kind' in last && (last.kind === 'answered' || last.kind === 'cancelled'))
            return last;
        }
        return 'kind' in last && last.kind === 'busy'
          ? last
          : failure(480, 'no_answer', 'no_answer');
      }
    }
  }
  const user = await call.users.findByExtension(call.tenantId, number);
  if (!user || user.state !== 'active') {
    // only what the caller dialled: a forward to a missing extension is the callee's setting
    if (depth === 0) call.notFound(number);
    return failure(404, 'not_found');
  }
  call.ringing(user.id);
  const fwd = await forwarding(call, user.id);
  if (fwd.unconditional) return ringExtension(call, fwd.unconditional, settings, depth + 1);
  if (fwd.doNotDisturb)
    return fwd.busy ? ringExtension(call, fwd.busy, settings, depth + 1) : { kind: 'busy' };
  const targets = await contacts(call, user);
  if (targets.length === 0)
    return fwd.noAnswer
      ? ringExtension(call, fwd.noAnswer, settings, depth + 1)
      : failure(480, 'unavailable');
  const outcome = await call.attempt(targets, settings.noAnswerSeconds);
  if (outcome.kind === 'busy' && fwd.busy)
    return ringExtension(call, fwd.busy, settings, depth + 1);
  if (outcome.kind === 'no_answer' && fwd.noAnswer)
    return ringExtension(call, fwd.noAnswer, settings, depth + 1);
  return outcome;
}

async function groupMembers(call: RoutingCall, extensions: readonly string[]): Promise<User[]> {
  const out: User[] = [];
  for (const ext of extensions) {
    const u = await call.users.findByExtension(call.tenantId, ext);
    if (!u || u.state !== 'active') continue;
    // a member on do-not-disturb is skipped by the group
    if ((await forwarding(call, u.id)).doNotDisturb) continue;
    out.push(u);
  }
  return out;
}

async function contacts(call: RoutingCall, user: User): Promise<readonly CallTarget[]> {
  // the caller's own devices never ring for their own call
  return (await call.location.contactsOf(user.tenantId, user.id)).filter(
    (t) => t.deviceId !== call.callerDeviceId,
  );
}
