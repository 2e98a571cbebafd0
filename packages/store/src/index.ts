export { openStore } from './open-store.ts';
export type { StoreConfig } from './open-store.ts';
export type { Repositories, Store } from './store.ts';
export type { MigrationReport } from './migrations/migrator.ts';
export type { Migration, SqlDialect } from './migrations/migration.ts';
