export * from './sso-provider-repository.ts';
export * from './linked-identity-repository.ts';
export * from './sso-policy-repository.ts';
export * from './sso-sync-run-repository.ts';
export * from './sso-account-port.ts';
