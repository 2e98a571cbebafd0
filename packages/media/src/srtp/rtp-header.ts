/** The few RTP/RTCP header facts SRTP and the relay need (RFC 3550 §5.1, §6.4). */

/** Length of the RTP header with CSRCs and extension, or -1 if `p` is not RTP v2. */
export function rtpHeaderLength(p: Uint8Array): number {
  if (p.length < 12) return -1;
  const b0 = p[0] as number;
  if (b0 >> 6 !== 2) return -1;
  let len = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (p.length < len + 4) return -1;
    len += 4 + (((p[len + 2] as number) << 8) | (p[len + 3] as number)) * 4;
  }
  return len <= p.length ? len : -1;
}

/**
 * RFC 5761 §4: on a multiplexed port, RTCP packet types 192–223 sit where
 * RTP would carry payload types 64–95, which are never used for RTP.
 */
export function isRtcp(p: Uint8Array): boolean {
  if (p.length < 8 || (p[0] as number) >> 6 !== 2) return false;
  const pt = p[1] as number;
  return pt >= 192 && pt <= 223;
}

export function readUint32(p: Uint8Array, at: number): number {
  return (
    (((p[at] as number) << 24) |
      ((p[at + 1] as number) << 16) |
      ((p[at + 2] as number) << 8) |
      (p[at + 3] as number)) >>>
    0
  );
}
