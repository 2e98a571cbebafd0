export * from './list-options.ts';
export * from './json-value.ts';
export * from './tenant-repository.ts';
export * from './user-repository.ts';
export * from './device-repository.ts';
export * from './group-repository.ts';
export * from './tenant-settings-repository.ts';
export * from './pbx-store.ts';
