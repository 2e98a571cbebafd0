export * from './api-app.ts';
export type { ApiServices } from './routes/api-services.ts';
export * from './http/route-kit.ts';
export * from './http/security-headers.ts';
export type { ReadinessCheck } from './http/health-routes.ts';
