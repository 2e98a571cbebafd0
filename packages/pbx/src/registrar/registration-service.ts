/**
 * Reading the live registrations for the API and the CLI, per tenant and
 * optionally per user or device, with the same tenant visibility rules as
 * the directory (another tenant's registrations are "not found").
 */
import { systemClock } from '@palisade/common';
import type { Clock } from '@palisade/common';
import { assertTenantVisible } from '../directory/actor.ts';
import type { Actor } from '../directory/actor.ts';
import type { ListOptions } from '../ports/list-options.ts';
import type {
  RegistrationBinding,
  RegistrationRepository,
} from '../ports/registration-repository.ts';

/** What the API and CLI show of a binding: everything but the internal ordering data. */
export interface RegistrationView {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly aor: string;
  readonly contact: string;
  readonly transport: string;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly userAgent: string;
  readonly instanceId: string | null;
  readonly expiresAt: number;
  readonly registeredAt: number;
  readonly updatedAt: number;
}

export function registrationView(b: RegistrationBinding): RegistrationView {
  return {
    id: b.id,
    tenantId: b.tenantId,
    userId: b.userId,
    deviceId: b.deviceId,
    aor: b.aor,
    contact: b.contactUri,
    transport: b.transport,
    sourceAddress: b.sourceAddress,
    sourcePort: b.sourcePort,
    userAgent: b.userAgent,
    instanceId: b.instanceId,
    expiresAt: b.expiresAt,
    registeredAt: b.registeredAt,
    updatedAt: b.updatedAt,
  };
}

export class RegistrationService {
  readonly #repository: RegistrationRepository;
  readonly #clock: Clock;

  constructor(repository: RegistrationRepository, clock: Clock = systemClock) {
    this.#repository = repository;
    this.#clock = clock;
  }

  async list(
    actor: Actor,
    filter: { readonly tenantId: string; readonly userId?: string; readonly deviceId?: string },
    options?: ListOptions,
  ): Promise<RegistrationView[]> {
    assertTenantVisible(actor, filter.tenantId, 'tenant');
    const rows = await this.#repository.list({ ...filter, now: this.#clock.now() }, options);
    return rows.map(registrationView);
  }
}
