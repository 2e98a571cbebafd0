export * from './errors.ts';
export * from './clock.ts';
export * from './logger.ts';
export * from './events.ts';
export * from './random-pool.ts';
