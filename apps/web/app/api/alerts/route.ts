import { z } from 'zod';
import { isoTime } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

const alertSchema = z
  .object({
    fingerprint: z.string().describe("Alertmanager's id of the alert"),
    name: z.string().describe('the alertname label'),
    status: z.enum(['firing', 'resolved']),
    severity: z.string().optional(),
    summary: z.string().optional(),
    description: z.string().optional(),
    runbookUrl: z.string().optional().describe('the runbook_url annotation'),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    startsAt: z.string().describe('RFC 3339, as Alertmanager sent it'),
    endsAt: z.string().optional().describe('set once resolved'),
    generatorURL: z.string().optional(),
    receivedAt: isoTime.describe('when the console last heard about it'),
  })
  .meta({ id: 'Alert' });

/** Alerts Alertmanager delivered to the console: those firing now, and recent changes of state. */
const listAlerts = endpoint({
  method: 'GET',
  path: '/api/alerts',
  operationId: 'listAlerts',
  summary: 'alerts Alertmanager delivered: those firing now, and recent changes of state (newest first)',
  tags: ['alerts'],
  access: 'viewer',
  query: z.object({
    history: z.coerce
      .number()
      .int('must be an integer')
      .min(0, 'must be at least 0')
      .max(1000, 'must be at most 1000')
      .default(50)
      .describe('changes of state to include; 0 for none'),
  }),
  responses: {
    200: {
      description: 'firing alerts (most recently started first) and the latest changes of state',
      schema: z.object({ firing: z.array(alertSchema), history: z.array(alertSchema) }),
    },
  },
}).handle(async ({ services, query }) => {
  const [firing, history] = await Promise.all([
    services.alerts.firing(),
    query.history > 0 ? services.alerts.history(query.history) : Promise.resolve([]),
  ]);
  return { status: 200, body: { firing, history } };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listAlerts);
