export {};
export * from './ports/index.ts';
