import type { Clock } from '@palisade/common';
import type { AuditTrail } from '@palisade/security';
import type { PbxStore } from '../ports/pbx-store.ts';
import type { Actor } from './actor.ts';

export interface DirectoryDeps {
  readonly store: PbxStore;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

/** Runs a change and records it as done by `actor`; a failed change is recorded as a failure and rethrown. */
export async function audited<T>(
  deps: DirectoryDeps,
  actor: Actor,
  action: string,
  target: (result: T) => {
    tenantId: string | null;
    target: string;
    detail?: Record<string, unknown>;
  },
  change: () => Promise<T>,
): Promise<T> {
  const where = {
    actor: actor.id,
    action,
    ...(actor.remoteAddress ? { remoteAddress: actor.remoteAddress } : {}),
    ...(actor.remotePort ? { remotePort: actor.remotePort } : {}),
  };
  let result: T;
  try {
    result = await change();
  } catch (err) {
    await deps.audit.record({
      ...where,
      outcome: 'failure',
      tenantId: actor.tenantId,
      detail: { reason: (err as Error).message },
    });
    throw err;
  }
  const t = target(result);
  await deps.audit.record({
    ...where,
    outcome: 'success',
    tenantId: t.tenantId,
    target: t.target,
    ...(t.detail ? { detail: t.detail } : {}),
  });
  return result;
}
