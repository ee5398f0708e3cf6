import { operationListRoute } from '@/lib/server/operation-lists';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = operationListRoute({
  path: '/api/operations/confirmed',
  operationId: 'listConfirmedOperations',
  summary: 'operations confirmed by their receipt, newest first',
  statuses: ['CONFIRMED'],
});
