import { z } from 'zod';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { submitOperationSchema } from '@/lib/server/operations';

export const dynamic = 'force-dynamic';

/** The operation input as JSON Schema: the console's submit form is generated from it. */
const getOperationSchema = endpoint({
  method: 'GET',
  path: '/api/operations/schema',
  operationId: 'getOperationInputSchema',
  summary: 'the body of POST /api/operations as JSON Schema (the console renders its form from it)',
  tags: ['operations'],
  access: 'viewer',
  responses: {
    200: {
      description: 'the input schema',
      schema: z.object({ inputSchema: z.record(z.string(), z.unknown()).describe('a JSON Schema (draft 2020-12)') }),
    },
  },
}).handle(async () => ({ status: 200, body: { inputSchema: z.toJSONSchema(submitOperationSchema, { io: 'input' }) } }));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getOperationSchema);
