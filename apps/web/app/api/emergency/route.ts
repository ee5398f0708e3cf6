import { json, route } from '@/lib/server/http';
import { emergencyDocument } from '@/lib/server/emergency';

export const dynamic = 'force-dynamic';

/** The emergency state, its reason and actor, risk limits with utilisation, and recent transitions. */
export const GET = route('viewer', async (_req, { services }) => json(await emergencyDocument(services)));
