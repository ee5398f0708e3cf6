import { z } from 'zod';
import { seriesPointSchema, seriesPointView } from '@/lib/server/accounting-views';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

/** P&L time series for charts: one point per applied batch with receipts of ours, oldest first. */
const getPnlSeries = endpoint({
  method: 'GET',
  path: '/api/pnl/series',
  operationId: 'getPnlSeries',
  summary: 'P&L time series, oldest first: one point per applied batch that had receipts of ours',
  tags: ['accounting'],
  access: 'viewer',
  query: z.object({
    limit: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(10_000, 'must be at most 10000')
      .default(500)
      .describe('the most recent points'),
  }),
  responses: { 200: { description: 'the points', schema: z.object({ points: z.array(seriesPointSchema) }) } },
}).handle(async ({ services, query }) => ({
  status: 200,
  body: { points: (await services.store.series({ limit: query.limit })).map(seriesPointView) },
}));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getPnlSeries);
