import { CLOSED_OPERATION_STATUSES } from '@blockops/domain';
import { operationList } from '@/lib/server/operation-lists';

export const dynamic = 'force-dynamic';

export const GET = operationList(CLOSED_OPERATION_STATUSES);
