export * from './actor.ts';
export * from './validation.ts';
export type { DirectoryDeps } from './directory-deps.ts';
export * from './tenant-service.ts';
export * from './user-service.ts';
export * from './device-service.ts';
export * from './group-service.ts';
export * from './setup-service.ts';
export * from './sso-account-directory.ts';
