// crypto/: tokens, secrets, constant-time comparison
export * from './crypto/index.ts';
// authz/: the permission catalogue
export * from './authz/permissions.ts';
