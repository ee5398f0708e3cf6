import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { emergencyDocument, emergencyDocumentSchema } from '@/lib/server/emergency';

export const dynamic = 'force-dynamic';

/** The emergency state, its reason and actor, risk limits with utilisation, and recent transitions. */
const getEmergency = endpoint({
  method: 'GET',
  path: '/api/emergency',
  operationId: 'getEmergency',
  summary: 'the emergency state with its reason and actor, the risk limits with their utilisation, and recent transitions',
  tags: ['emergency'],
  access: 'viewer',
  responses: { 200: { description: 'the emergency controller as it stands', schema: emergencyDocumentSchema } },
}).handle(async ({ services }) => ({ status: 200, body: await emergencyDocument(services) }));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getEmergency);
