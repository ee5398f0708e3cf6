import { describeCatalog } from '@/lib/server/catalog';
import { json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** The startable workflows and their input JSON Schemas (the console renders forms from these). */
export const GET = route('viewer', async (_req, { services }) =>
  json({
    workflows: describeCatalog(),
    temporalUiUrl: services.config.TEMPORAL_UI_URL,
    namespace: services.config.TEMPORAL_NAMESPACE,
  }),
);
