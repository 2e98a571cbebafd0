/**
 * Whether a caller may place a call (PRODUCT §A6, §C9), and what a refused
 * or impossible destination tells the intrusion detection: the caller's
 * ACL is the union of their groups' permissions; a refusal is audited as
 * `call.forbidden`.
 */
import type { Destination } from '@palisade/sip';
import type { PbxRepositories } from '../ports/pbx-store.ts';
import type { AuthenticatedCaller } from './caller-authenticator.ts';
import type { BadDestination } from './call-events.ts';
import type { AuditSink } from './call-ports.ts';
import { mayCall } from './dial-plan.ts';
import type { CallClass } from './dial-plan.ts';

export interface AdmissionDeps {
  readonly groups: PbxRepositories['groups'];
  readonly audit: AuditSink | undefined;
}

/** The caller at `source` may call `number` of class `callClass`; a refusal is audited. */
export async function permitted(
  deps: AdmissionDeps,
  caller: AuthenticatedCaller,
  source: Destination,
  callClass: CallClass,
  number: string,
): Promise<boolean> {
  const groups = await deps.groups.listGroupsOfUser(caller.user.id);
  const permissions = new Set(groups.flatMap((g) => g.permissions));
  if (mayCall(permissions, callClass)) return true;
  await deps.audit?.record({
    actor: `user:${caller.user.id}`,
    action: 'call.forbidden',
    outcome: 'denied',
    tenantId: caller.tenant.id,
    target: number,
    remoteAddress: source.host,
    remotePort: source.port,
    detail: { callClass, device: caller.device.sipUsername },
  });
  return false;
}

/** The caller dialled a destination that does not exist (404) or is forbidden (403). */
export function badDestination(
  caller: AuthenticatedCaller,
  source: Destination,
  status: 403 | 404,
  number: string,
): BadDestination {
  return {
    sourceAddress: source.host,
    sourcePort: source.port,
    transport: source.transport,
    tenantId: caller.tenant.id,
    username: caller.device.sipUsername,
    number: number.slice(0, 64),
    status,
  };
}
