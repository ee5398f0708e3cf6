import { operationListRoute } from '@/lib/server/operation-lists';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = operationListRoute({
  path: '/api/operations/pending',
  operationId: 'listPendingOperations',
  summary: 'submitted operations waiting for their receipt, newest first',
  statuses: ['SUBMITTED'],
});
