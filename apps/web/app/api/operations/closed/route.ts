import { operationList } from '@/lib/server/operation-lists';

export const dynamic = 'force-dynamic';

export const GET = operationList(['EXPIRED', 'REJECTED', 'FAILED']);
