/**
 * The allowlist: IPv4 and IPv6 networks in CIDR notation (a bare address is
 * a /32 or /128). IPv4-mapped IPv6 addresses match their IPv4 network.
 */
import { BlockList, isIP } from 'node:net';
import { PalisadeError } from '@palisade/common';
import { normalizeAddress } from './normalize-address.ts';

export class TrustedNetworks {
  readonly #list = new BlockList();
  readonly #cidrs: readonly string[];

  constructor(cidrs: readonly string[] = []) {
    for (const cidr of cidrs) this.#add(cidr);
    this.#cidrs = [...cidrs];
  }

  #add(cidr: string): void {
    const [address = '', bits, extra] = cidr.trim().split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (
      family === 0 ||
      extra !== undefined ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > max
    )
      throw new PalisadeError(
        'validation_failed',
        `not a network in CIDR notation: ${cidr.slice(0, 64)}`,
        {
          details: { field: 'trustedNetworks' },
        },
      );
    this.#list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }

  get cidrs(): readonly string[] {
    return this.#cidrs;
  }

  has(address: string): boolean {
    const a = normalizeAddress(address);
    const family = isIP(a);
    if (family === 0) return false;
    return this.#list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  }
}
