import { CLOSED_OPERATION_STATUSES } from '@blockops/domain';
import { operationListRoute } from '@/lib/server/operation-lists';

export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = operationListRoute({
  path: '/api/operations/closed',
  operationId: 'listClosedOperations',
  summary: 'operations that ended unconfirmed: EXPIRED, REJECTED and FAILED together (or ?status= one of them), newest first',
  statuses: CLOSED_OPERATION_STATUSES,
});
