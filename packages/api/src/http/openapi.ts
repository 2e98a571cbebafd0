/** The OpenAPI 3.1 document, built from the same route table the server registers. */
import type { RouteSpec } from './route-kit.ts';

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || !('properties' in schema)) return {};
  const props = schema.properties;
  return typeof props === 'object' && props !== null ? (props as Record<string, unknown>) : {};
}

export function buildOpenApi(
  routes: readonly RouteSpec[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = propertiesOf(r.params);
    const query = propertiesOf(r.query);
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(r.response)) {
      responses[status] = { description: 'success', content: { 'application/json': { schema } } };
    }
    responses['400'] = { description: 'invalid input; nothing was changed' };
    if (r.permission !== 'public') {
      responses['401'] = { description: 'no or invalid credentials' };
      responses['403'] = { description: `missing permission ${r.permission}` };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      'x-permission': r.permission,
      security: r.permission === 'public' ? [] : [{ bearerToken: [] }],
      parameters: [
        ...Object.entries(params).map(([name, schema]) => ({
          name,
          in: 'path',
          required: true,
          schema,
        })),
        ...Object.entries(query).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
      ],
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Palisade API', version },
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'API token (pal_…)' },
      },
    },
    paths,
  };
}
