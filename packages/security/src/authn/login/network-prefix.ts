/** The network an address belongs to, for location checks: IPv4 /24 and IPv6 /64 by default. */
import { isIPv4, isIPv6 } from 'node:net';

export function networkPrefix(address: string, v4Bits = 24, v6Bits = 64): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const a = mapped?.[1] ?? address;
  if (isIPv4(a)) {
    const n = a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const masked = v4Bits === 0 ? 0 : Math.floor(n / 2 ** (32 - v4Bits)) * 2 ** (32 - v4Bits);
    const parts = [24, 16, 8, 0].map((s) => Math.floor(masked / 2 ** s) % 256);
    return `${parts.join('.')}/${v4Bits}`;
  }
  if (isIPv6(a)) {
    const groups = expandIPv6(a);
    let bits = v6Bits;
    const out = groups.map((g) => {
      const keep = Math.max(0, Math.min(16, bits));
      bits -= 16;
      return keep === 0 ? 0 : keep === 16 ? g : g & (0xffff << (16 - keep)) & 0xffff;
    });
    return `${out.map((g) => g.toString(16)).join(':')}/${v6Bits}`;
  }
  return `${a.slice(0, 64)}/?`;
}

function expandIPv6(a: string): number[] {
  const [head = '', tail] = a.split('%')[0]!.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16) || 0);
}
