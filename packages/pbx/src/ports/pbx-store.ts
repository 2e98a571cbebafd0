import type { CdrRepository } from './cdr-repository.ts';
import type { DeviceRepository } from './device-repository.ts';
import type { GroupRepository } from './group-repository.ts';
import type { PresenceRepository } from './presence-repository.ts';
import type { RegistrationRepository } from './registration-repository.ts';
import type { TenantRepository } from './tenant-repository.ts';
import type { TenantSettingsRepository } from './tenant-settings-repository.ts';
import type { UserRepository } from './user-repository.ts';

export interface PbxRepositories {
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly devices: DeviceRepository;
  readonly groups: GroupRepository;
  readonly tenantSettings: TenantSettingsRepository;
  readonly registrations: RegistrationRepository;
  readonly cdrs: CdrRepository;
  readonly presence: PresenceRepository;
}

/**
 * The storage the telephony domain needs. `transaction` runs `work` with the
 * same repositories bound to one database transaction: it commits when `work`
 * resolves and rolls back when it throws.
 */
export interface PbxStore extends PbxRepositories {
  transaction<T>(work: (tx: PbxRepositories) => Promise<T>): Promise<T>;
}
