// crypto/: tokens, secrets, constant-time comparison
export * from './crypto/index.ts';

// authn/digest/: SIP Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760)
export * from './authn/digest/index.ts';

// authn/password/: argon2id hashing, legacy SHA-512-crypt verification, upgrade on login
export * from './authn/password/index.ts';

// authz/: the permission catalogue
export * from './authz/permissions.ts';

// ports/: the repositories security owns (implemented by @palisade/store)
export * from './ports/index.ts';

// authn/: API tokens
export * from './authn/api-token-service.ts';

// audit/: the audit trail (database + syslog)
export * from './audit/audit-trail.ts';
