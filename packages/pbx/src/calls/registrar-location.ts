/**
 * The location port of call control over the registrar's location service:
 * a user's devices (from storage) and their live bindings (from memory).
 * Where an INVITE goes (NAT-aware):
 *   - TCP, TLS, WS(S): the connection the REGISTER came over (its source);
 *   - UDP from the Contact's own host: the Contact's port (the phone said
 *     where it listens; a registration made by another process of the
 *     same host, as load generators do, still reaches the right socket);
 *   - UDP from another address than the Contact's (a NAT rewrote it): the
 *     source address and port, where the NAT binding answers.
 */
import { parseUri } from '@palisade/sip';
import type { TransportName } from '@palisade/sip';
import type { DeviceRepository } from '../ports/device-repository.ts';
import type { LocationService } from '../registrar/location-service.ts';
import type { CallTarget, LocationLookup } from './call-ports.ts';

const TRANSPORTS = new Set<string>(['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS']);

export class RegistrarLocation implements LocationLookup {
  readonly #location: LocationService;
  readonly #devices: Pick<DeviceRepository, 'listByUser'>;

  constructor(location: LocationService, devices: Pick<DeviceRepository, 'listByUser'>) {
    this.#location = location;
    this.#devices = devices;
  }

  async contactsOf(tenantId: string, userId: string): Promise<readonly CallTarget[]> {
    const devices = await this.#devices.listByUser(userId);
    const out: CallTarget[] = [];
    for (const device of devices) {
      if (device.tenantId !== tenantId) continue;
      for (const b of this.#location.bindingsOf(device.id)) {
        if (!TRANSPORTS.has(b.transport)) continue;
        const transport = b.transport as TransportName;
        let uri;
        try {
          uri = parseUri(b.contactUri, 'contact');
        } catch {
          continue;
        }
        const contactHost = uri.kind === 'sip' ? uri.host.replace(/^\[|\]$/g, '') : undefined;
        const sameHost =
          transport === 'UDP' && uri.kind === 'sip' && contactHost === b.sourceAddress;
        out.push({
          userId,
          deviceId: device.id,
          uri,
          destination: {
            transport,
            host: b.sourceAddress,
            port: sameHost && uri.kind === 'sip' ? (uri.port ?? 5060) : b.sourcePort,
            reliable: transport !== 'UDP',
          },
        });
      }
    }
    return out;
  }
}
