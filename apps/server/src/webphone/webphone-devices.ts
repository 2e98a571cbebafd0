/**
 * The device repository the SIP side uses (the registrar and the B2BUA's
 * caller authentication), extended with the web phone's minted credentials:
 * a minted username resolves to its device with the credential's HA1 values,
 * so digest verification is the usual one and the device's stored secret is
 * never involved. A credential of a user who is no
 * longer active resolves to nothing, however it came to outlive the session.
 * Other usernames go to `stored` (the store's lookup, or the directory
 * cache in front of it).
 */
import type { Device, DeviceRepository, UserRepository } from '@palisade/pbx';
import type { WebphoneTokenService } from '@palisade/security';

export function withWebphoneCredentials(
  devices: DeviceRepository,
  users: Pick<UserRepository, 'findById'>,
  tokens: WebphoneTokenService,
  stored: Pick<DeviceRepository, 'findBySipDomainAndUsername'> = devices,
): DeviceRepository {
  return {
    create: (input) => devices.create(input),
    findById: (id) => devices.findById(id),
    findBySipUsername: (tenantId, sipUsername) => devices.findBySipUsername(tenantId, sipUsername),
    listByUser: (userId) => devices.listByUser(userId),
    listByTenant: (tenantId, options) => devices.listByTenant(tenantId, options),
    updateLabel: (deviceId, label) => devices.updateLabel(deviceId, label),
    rotateSecret: (deviceId, ha1Md5, ha1Sha256) =>
      devices.rotateSecret(deviceId, ha1Md5, ha1Sha256),
    delete: (id) => devices.delete(id),
    async findBySipDomainAndUsername(sipDomain, sipUsername): Promise<Device | null> {
      const grant = tokens.find(sipUsername, sipDomain);
      if (!grant) return stored.findBySipDomainAndUsername(sipDomain, sipUsername);
      const device = await devices.findById(grant.deviceId);
      if (!device || device.userId !== grant.userId) return null;
      const user = await users.findById(grant.userId);
      if (user?.state !== 'active') return null;
      return { ...device, ha1Md5: grant.ha1Md5, ha1Sha256: grant.ha1Sha256 };
    },
  };
}
