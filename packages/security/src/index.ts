// crypto/: tokens, secrets, constant-time comparison
export * from './crypto/index.ts';
