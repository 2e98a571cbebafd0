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
  /** Answers for addresses seen lately (the list never changes). */
  readonly #answers = new Map<string, boolean>();

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
    let answer = this.#answers.get(address);
    if (answer === undefined) {
      const a = normalizeAddress(address);
      const family = isIP(a);
      answer = family !== 0 && this.#list.check(a, family === 6 ? 'ipv6' : 'ipv4');
      if (this.#answers.size >= 4096) this.#answers.clear();
      this.#answers.set(address, answer);
    }
    return answer;
  }
}
