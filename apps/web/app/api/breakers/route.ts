import { json, route } from '@/lib/server/http';
import { listBreakers } from '@/lib/server/breakers';

export const dynamic = 'force-dynamic';

/** Every circuit breaker: state, counts, thresholds, opened-at, next probe time, last transition. */
export const GET = route('viewer', async (_req, { services }) => json(await listBreakers(services.breakers)));
