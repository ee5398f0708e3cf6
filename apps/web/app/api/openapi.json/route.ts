import { z } from 'zod';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

/** Open like /api/health: the document describes the API, it exposes no data. */
const getOpenApi = endpoint({
  method: 'GET',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'this document (OpenAPI 3.1), generated from the route registry',
  tags: ['system'],
  access: 'public',
  responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
}).handle(
  // imported lazily: the document is generated from every route module, this one included
  async () => ({ status: 200, body: (await import('@/lib/server/openapi')).openApiDocument() as unknown as Record<string, unknown> }),
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getOpenApi);
