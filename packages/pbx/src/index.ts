export * from './ports/index.ts';
export * from './directory/index.ts';
