import { parseAmount } from '@blockops/domain';
import { limitsView } from '@blockops/emergency';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { limitsBodySchema, limitsDocumentSchema, riskReadings } from '@/lib/server/emergency';
import type { Services } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

const document = async (services: Services) => ({
  limits: limitsView(await services.emergency.limits(services.riskDefaults)),
  risk: await riskReadings(services),
});

/** The live risk limits and their utilisation. */
const getLimits = endpoint({
  method: 'GET',
  path: '/api/emergency/limits',
  operationId: 'getRiskLimits',
  summary: 'the live risk limits and their utilisation',
  tags: ['emergency'],
  access: 'viewer',
  responses: { 200: { description: 'limits and readings', schema: limitsDocumentSchema } },
}).handle(async ({ services }) => ({ status: 200, body: await document(services) }));

/** Changes risk limits live (operator, audited, reason required); the next P&L update checks them. */
const setLimits = endpoint({
  method: 'PUT',
  path: '/api/emergency/limits',
  operationId: 'setRiskLimits',
  summary: 'change risk limits live, with a reason; the next P&L update checks them (a breach halts on its own)',
  tags: ['emergency'],
  access: 'operator',
  body: limitsBodySchema,
  audit: 'emergency.limits',
  responses: { 200: { description: 'the limits now in force, and the readings against them', schema: limitsDocumentSchema } },
}).handle(async ({ services, caller, body }) => {
  const { reason, dailyLoss, maxPosition, maxDrawdownPct } = body;
  await services.emergency.setLimits(
    {
      ...(dailyLoss !== undefined ? { dailyLoss: parseAmount(dailyLoss) } : {}),
      ...(maxPosition !== undefined ? { maxPosition: parseAmount(maxPosition) } : {}),
      ...(maxDrawdownPct !== undefined ? { maxDrawdownBps: Math.round(maxDrawdownPct * 100) } : {}),
    },
    caller.actor,
  );
  services.metrics.controlActions.inc({ action: 'emergency.limits', outcome: 'accepted' });
  await services.audit.append({
    actor: caller.actor,
    action: 'emergency.limits',
    target: 'risk-limits',
    outcome: 'accepted',
    reason,
    details: { dailyLoss, maxPosition, maxDrawdownPct },
  });
  return { status: 200, body: await document(services) };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getLimits, setLimits);
