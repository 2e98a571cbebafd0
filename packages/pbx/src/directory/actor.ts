/**
 * Who asks for a directory change, and from where. `tenantId` null means an
 * installation-wide actor (the CLI on the host, the super-admin); any other
 * actor sees only its own tenant, and another tenant's objects are "not
 * found" to it rather than "forbidden", so ids do not leak across tenants.
 */
import { PalisadeError } from '@palisade/common';

export interface Actor {
  /** `user:<id>`, `token:<id>`, `cli` or `system`. */
  readonly id: string;
  readonly tenantId: string | null;
  readonly isSuperAdmin: boolean;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

export const CLI_ACTOR: Actor = { id: 'cli', tenantId: null, isSuperAdmin: true };
export const SYSTEM_ACTOR: Actor = { id: 'system', tenantId: null, isSuperAdmin: true };

/** Throws not_found unless the actor may see objects of `tenantId`. */
export function assertTenantVisible(actor: Actor, tenantId: string, what: string): void {
  if (actor.tenantId !== null && actor.tenantId !== tenantId) {
    throw new PalisadeError('not_found', `${what} not found`);
  }
}

/** The tenant an actor works in: its own, or for an installation-wide actor the one it names. */
export function tenantFor(actor: Actor, requested: string | undefined, fallback: string): string {
  if (actor.tenantId !== null) {
    if (requested !== undefined && requested !== actor.tenantId)
      throw new PalisadeError('not_found', 'tenant not found');
    return actor.tenantId;
  }
  return requested ?? fallback;
}
