import type { ListOptions } from './list-options.ts';

/**
 * A SIP endpoint of a user. Only the digest HA1 values (RFC 2617 / RFC 8760:
 * H(username:realm:secret) with MD5 and SHA-256, lower-case hex) are stored;
 * the generated secret itself never is.
 */
export interface Device {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly sipUsername: string;
  readonly label: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
  readonly createdAt: number;
  readonly secretRotatedAt: number;
}

export interface NewDevice {
  readonly tenantId: string;
  /** Must belong to `tenantId`. */
  readonly userId: string;
  readonly sipUsername: string;
  readonly label: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
}

export interface DeviceRepository {
  /**
   * Throws PalisadeError('conflict') naming `sipUsername` when taken in the
   * tenant, 'not_found' naming `userId` when the user is not in the tenant.
   */
  create(input: NewDevice): Promise<Device>;
  findById(id: string): Promise<Device | null>;
  findBySipUsername(tenantId: string, sipUsername: string): Promise<Device | null>;
  /** The lookup every SIP REGISTER makes: by the tenant's SIP domain (case-insensitive). */
  findBySipDomainAndUsername(sipDomain: string, sipUsername: string): Promise<Device | null>;
  /** Ordered by SIP username. */
  listByUser(userId: string): Promise<Device[]>;
  /** Ordered by SIP username. */
  listByTenant(tenantId: string, options?: ListOptions): Promise<Device[]>;
  /** Throws PalisadeError('not_found') for an unknown id. */
  updateLabel(deviceId: string, label: string): Promise<Device>;
  /** Replaces both HA1 values and stamps secretRotatedAt; 'not_found' for an unknown id. */
  rotateSecret(deviceId: string, ha1Md5: string, ha1Sha256: string): Promise<Device>;
  delete(id: string): Promise<boolean>;
}
