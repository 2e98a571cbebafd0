/**
 * RFC 7983 §7: what a datagram on a WebRTC media port is, by its first byte.
 *
 *   0–3     STUN           20–63   DTLS
 *   64–79   TURN channel   128–191 RTP / RTCP
 *
 * Everything else (and TURN channel data: we offer no TURN) is dropped.
 */
export type PacketKind = 'stun' | 'dtls' | 'rtp' | 'other';

export function classifyPacket(packet: Uint8Array): PacketKind {
  const b = packet[0];
  if (b === undefined) return 'other';
  if (b <= 3) return 'stun';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 128 && b <= 191) return 'rtp';
  return 'other';
}
