/**
 * TLS settings every listener shares (ENGINEERING §4): TLS 1.2 and 1.3 only,
 * AEAD cipher suites only (TLS 1.3's are all AEAD), forward secrecy, the
 * server's cipher order, and no renegotiation.
 */
import { constants } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';

export const TLS12_AEAD_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function hardenedTlsOptions(): SecureContextOptions & { honorCipherOrder: boolean } {
  return {
    minVersion: 'TLSv1.2',
    ciphers: TLS12_AEAD_CIPHERS,
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_CIPHER_SERVER_PREFERENCE,
  };
}
