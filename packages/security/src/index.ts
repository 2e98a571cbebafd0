export * from './authz/permissions.ts';
