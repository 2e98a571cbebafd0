// crypto/: tokens, secrets, constant-time comparison
export * from './crypto/index.ts';

// authn/digest/: SIP Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760)
export * from './authn/digest/index.ts';

// authz/: the permission catalogue
export * from './authz/permissions.ts';

// ports/: the repositories security owns (implemented by @palisade/store)
export * from './ports/index.ts';
