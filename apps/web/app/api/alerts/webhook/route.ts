import { alertmanagerWebhookSchema } from '@blockops/events';
import { json, problem, readJson, route, zodIssues } from '@/lib/server/http';
import { webhookAuthorized } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

/**
 * Alertmanager's webhook receiver (monitoring/alertmanager.yml, receiver blockops-console):
 * records each alert's state for the console's alerts panel. Authorised by ALERTS_WEBHOOK_TOKEN
 * or the operator key (open when none is configured).
 */
export const POST = route(
  'operator',
  async (req, { services, log }) => {
    const body = await readJson(req, 4 * 1024 * 1024);
    if (!body.ok) return body.res;
    const parsed = alertmanagerWebhookSchema.safeParse(body.value);
    if (!parsed.success) return problem(400, 'not an Alertmanager webhook notification', { issues: zodIssues(parsed.error) });
    const n = parsed.data;
    const recorded = await services.alerts.record(n);
    log.info(
      { receiver: n.receiver, status: n.status, alerts: n.alerts.map((a) => `${a.labels.alertname}:${a.status}`), recorded },
      'alert notification',
    );
    return json({ received: n.alerts.length, recorded });
  },
  {
    authorize: {
      check: webhookAuthorized,
      as: 'operator',
      refusal: 'unauthorized: Alertmanager must send "Authorization: Bearer <ALERTS_WEBHOOK_TOKEN>" (or the operator key)',
    },
  },
);
