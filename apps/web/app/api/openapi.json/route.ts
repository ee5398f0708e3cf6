import { openApiDocument } from '@/lib/server/openapi';

export const dynamic = 'force-dynamic';

/** Open like /api/health: the document describes the API, it exposes no data. */
export function GET() {
  return Response.json(openApiDocument());
}
