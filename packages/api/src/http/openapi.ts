/** The OpenAPI 3.1 document, built from the same route table the server registers. */
import type { RouteSpec } from './route-kit.ts';

export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = r.params as { properties?: Record<string, unknown> } | undefined;
    const query = r.query as { properties?: Record<string, unknown> } | undefined;
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(r.response)) {
      responses[status] = { description: 'success', content: { 'application/json': { schema } } };
    }
    responses['400'] = { description: 'invalid input; nothing was changed' };
    responses['401'] = { description: 'no or invalid credentials' };
    responses['403'] = { description: `missing permission ${r.permission}` };
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      'x-permission': r.permission,
      security: [{ bearerToken: [] }],
      parameters: [
        ...Object.entries(params?.properties ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
        ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
      ],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Palisade API', version },
    components: { securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'API token (pal_…)' } } },
    paths,
  };
}
