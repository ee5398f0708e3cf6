import { z } from 'zod';
import { alertmanagerWebhookSchema } from '@blockops/events';
import { webhookAuthorized } from '@/lib/server/auth';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

/**
 * Alertmanager's webhook receiver (monitoring/alertmanager.yml, receiver blockops-console):
 * records each alert's state for the console's alerts panel. Authorised by ALERTS_WEBHOOK_TOKEN
 * or the operator key (open when none is configured).
 */
const receiveAlerts = endpoint({
  method: 'POST',
  path: '/api/alerts/webhook',
  operationId: 'receiveAlertmanagerWebhook',
  summary: "Alertmanager's webhook receiver (payload version 4): records each alert's state for the console",
  tags: ['alerts'],
  access: 'operator',
  authorize: {
    check: webhookAuthorized,
    refusal: 'unauthorized: Alertmanager must send "Authorization: Bearer <ALERTS_WEBHOOK_TOKEN>" (or the operator key)',
    scheme: {
      name: 'alertsWebhookToken',
      description: "ALERTS_WEBHOOK_TOKEN: Alertmanager's own token for its webhook, so it need not hold the operator key",
    },
  },
  body: alertmanagerWebhookSchema,
  // a notification carries up to 10,000 alerts
  bodyLimit: 4 * 1024 * 1024,
  responses: {
    200: {
      description: 'recorded: `recorded` leaves out late deliveries for episodes already resolved',
      schema: z.object({
        received: z.number().int().nonnegative().describe('alerts in the notification'),
        recorded: z.number().int().nonnegative().describe('alerts whose state was recorded'),
      }),
    },
  },
}).handle(async ({ services, log, body: n }) => {
  const recorded = await services.alerts.record(n);
  log.info(
    { receiver: n.receiver, status: n.status, alerts: n.alerts.map((a) => `${a.labels.alertname}:${a.status}`), recorded },
    'alert notification',
  );
  return { status: 200, body: { received: n.alerts.length, recorded } };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(receiveAlerts);
