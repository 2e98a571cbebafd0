export * from './ports/index.ts';
export * from './directory/index.ts';
export * from './sip/index.ts';
export * from './registrar/index.ts';
export * from './calls/index.ts';
export * from './presence/index.ts';
