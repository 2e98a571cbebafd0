export * from './api-token-repository.ts';
export * from './setup-token-repository.ts';
export * from './audit-log-repository.ts';
export * from './security-store.ts';
