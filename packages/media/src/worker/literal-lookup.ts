/**
 * The `lookup` of every relay socket. dgram resolves each destination of
 * `send()` with dns.lookup, which for an IP literal still costs a regex and
 * a deferred callback (process.nextTick) per packet. A relay only ever sends
 * to IP literals: latched sources, and SDP addresses the side checked when
 * configured (a host name in c= is never resolved, see RelaySide). So the
 * address is handed back as it is, synchronously.
 */
export function literalLookup(
  address: string,
  family: unknown,
  callback: (err: Error | null, address: string, family: number) => void,
): void {
  callback(null, address, family === 6 ? 6 : 4);
}
