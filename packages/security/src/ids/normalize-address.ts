/**
 * One spelling per address, so a ban on `1.2.3.4` also stops
 * `::ffff:1.2.3.4` (a dual-stack socket's view of the same peer), and IPv6
 * case or zone ids do not make a second key.
 */
import { isIP } from 'node:net';

/** Addresses seen lately and their spelling: every SIP message asks, mostly about the same few. */
const seen = new Map<string, string>();
const SEEN_MAX = 4096;

export function normalizeAddress(address: string): string {
  let normal = seen.get(address);
  if (normal === undefined) {
    normal = normalize(address);
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.set(address, normal);
  }
  return normal;
}

function normalize(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) return a.slice(7);
  if (isIP(a) === 6) {
    // the WHATWG URL parser writes IPv6 in its canonical (RFC 5952) form
    const canonical = new URL(`http://[${a}]/`).hostname.slice(1, -1);
    if (canonical.startsWith('::ffff:')) {
      const [hi = '0', lo = '0'] = canonical.slice(7).split(':');
      const h = parseInt(hi, 16);
      const l = parseInt(lo, 16);
      if (canonical.slice(7).includes(':')) return `${h >> 8}.${h & 255}.${l >> 8}.${l & 255}`;
    }
    return canonical;
  }
  return a;
}

/** True for an IPv4 or IPv6 address (after normalising). */
export function isAddress(address: string): boolean {
  return isIP(normalizeAddress(address)) !== 0;
}
