/**
 * Per-packet cost of @palisade/media's SRTP on this machine: protect and
 * unprotect of a 20 ms G.711 packet (160-byte payload) for each suite, next
 * to the raw cost of one AES-CTR cipher built from a cached KeyObject and
 * from a Buffer key (the figure ENGINEERING §3 asks to keep in view).
 * Run: node tests/bench/media/srtp-per-packet.ts
 */
import { createCipheriv, createSecretKey } from 'node:crypto';
import { SrtpContext } from '@palisade/media';
import type { SrtpSuiteName } from '@palisade/media';

const N = 50_000;
const WARMUP = 2_000;

function time(fn: (i: number) => void): number {
  for (let i = 0; i < WARMUP; i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = WARMUP; i < WARMUP + N; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / N / 1000;
}

function rtp(seq: number): Buffer {
  const p = Buffer.alloc(172);
  p[0] = 0x80;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE(0x11223344, 8);
  return p;
}

const keyBytes = Buffer.alloc(16, 1);
const keyObject = createSecretKey(keyBytes);
const iv = Buffer.alloc(16);
const payload = Buffer.alloc(160);
const withKeyObject = time(() => createCipheriv('aes-128-ctr', keyObject, iv).update(payload));
const withBuffer = time(() => createCipheriv('aes-128-ctr', keyBytes, iv).update(payload));
console.log(
  `aes-128-ctr cipher per packet: KeyObject ${withKeyObject.toFixed(2)} µs, Buffer key ${withBuffer.toFixed(2)} µs`,
);

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] as SrtpSuiteName[]) {
  const material = {
    suite,
    masterKey: Buffer.alloc(16, 1),
    masterSalt: Buffer.alloc(suite === 'AEAD_AES_128_GCM' ? 12 : 14, 2),
  };
  const plain = Array.from({ length: WARMUP + N }, (_, i) => rtp(i));
  const tx = new SrtpContext(material);
  const sealed: Buffer[] = [];
  const protect = time((i) => sealed.push(tx.protectRtp(plain[i]!)));
  const rx = new SrtpContext(material);
  let dropped = 0;
  const unprotect = time((i) => {
    if (typeof rx.unprotectRtp(sealed[i]!) === 'string') dropped++;
  });
  if (dropped > 0) throw new Error(`${dropped} packets failed to unprotect`);
  console.log(
    `${suite}: protect ${protect.toFixed(2)} µs/packet, unprotect ${unprotect.toFixed(2)} µs/packet`,
  );
}
