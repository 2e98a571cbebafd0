// crypto/: tokens, secrets, constant-time comparison
export * from './crypto/index.ts';
// authz/: the permission catalogue
export * from './authz/permissions.ts';
// ports/: the repositories security owns (implemented by @palisade/store)
export * from './ports/index.ts';
