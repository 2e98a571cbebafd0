/** `GET /healthz` (the process answers) and `GET /readyz` (every dependency ready). */
import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<{ name: string; ok: boolean; detail?: string }>;

export function registerHealthRoutes(
  app: FastifyInstance,
  checks: readonly ReadinessCheck[],
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async (check) => {
        try {
          return await check();
        } catch {
          return { name: 'check', ok: false, detail: 'check failed' };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
}
