import { z } from 'zod';
import { describeCatalog } from '@/lib/server/catalog';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

const jsonSchema = z.record(z.string(), z.unknown()).describe('a JSON Schema (draft 2020-12)');

/** The startable workflows and their input JSON Schemas (the console renders forms from these). */
const listWorkflows = endpoint({
  method: 'GET',
  path: '/api/workflows',
  operationId: 'listWorkflows',
  summary: 'the workflows an operator can start, with their input JSON Schemas',
  tags: ['runs'],
  access: 'viewer',
  responses: {
    200: {
      description: 'the catalogue',
      schema: z.object({
        workflows: z.array(z.object({ name: z.string(), title: z.string(), description: z.string(), inputSchema: jsonSchema })),
        temporalUiUrl: z.url(),
        namespace: z.string(),
      }),
    },
  },
}).handle(async ({ services }) => ({
  status: 200,
  body: { workflows: describeCatalog(), temporalUiUrl: services.config.TEMPORAL_UI_URL, namespace: services.config.TEMPORAL_NAMESPACE },
}));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listWorkflows);
