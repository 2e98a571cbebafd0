/**
 * Per-packet IVs, written into a caller's reused buffer.
 * AES-CM (RFC 3711 §4.1.1): (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16),
 * where the SRTP index is ROC || SEQ and the SRTCP index is 31 bits.
 * GCM (RFC 7714 §8.1, §9.1): (00 00 || SSRC || ROC || SEQ) XOR salt, and
 * (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
 */
function xor32(out: Buffer, at: number, value: number): void {
  out.writeUInt32BE((out.readUInt32BE(at) ^ value) >>> 0, at);
}

export function writeCtrIv(
  out: Buffer,
  salt: Buffer,
  ssrc: number,
  roc: number,
  seq: number,
): Buffer {
  salt.copy(out, 0, 0, 14);
  out[14] = 0;
  out[15] = 0;
  xor32(out, 4, ssrc);
  xor32(out, 8, roc);
  out.writeUInt16BE(out.readUInt16BE(12) ^ seq, 12);
  return out;
}

/** The 31-bit SRTCP index sits where ROC || SEQ would: the same layout, split. */
export function writeCtrRtcpIv(out: Buffer, salt: Buffer, ssrc: number, index: number): Buffer {
  return writeCtrIv(out, salt, ssrc, index >>> 16, index & 0xffff);
}

export function writeGcmIv(
  out: Buffer,
  salt: Buffer,
  ssrc: number,
  roc: number,
  seq: number,
): Buffer {
  salt.copy(out, 0, 0, 12);
  xor32(out, 2, ssrc);
  xor32(out, 6, roc);
  out.writeUInt16BE(out.readUInt16BE(10) ^ seq, 10);
  return out;
}

export function writeGcmRtcpIv(out: Buffer, salt: Buffer, ssrc: number, index: number): Buffer {
  return writeGcmIv(out, salt, ssrc, index >>> 16, index & 0xffff);
}
