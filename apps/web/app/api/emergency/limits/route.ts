import { json, problem, readJson, route, zodIssues } from '@/lib/server/http';
import { limitsBodySchema, riskReadings } from '@/lib/server/emergency';
import { limitsView } from '@blockops/emergency';
import { parseAmount } from '@blockops/domain';

export const dynamic = 'force-dynamic';

const document = async (services: Parameters<typeof riskReadings>[0]) => ({
  limits: limitsView(await services.emergency.limits(services.riskDefaults)),
  risk: await riskReadings(services),
});

/** The live risk limits and their utilisation. */
export const GET = route('viewer', async (_req, { services }) => json(await document(services)));

/** Changes risk limits live (operator, audited, reason required); the next P&L update checks them. */
export const PUT = route('operator', async (req, { services, caller }) => {
  const record = async (res: Response, outcome: 'accepted' | 'rejected', reason?: string, details?: Record<string, unknown>) => {
    services.metrics.controlActions.inc({ action: 'emergency.limits', outcome });
    await services.audit.append({ actor: caller.actor, action: 'emergency.limits', target: 'risk-limits', outcome, reason, details });
    return res;
  };
  const body = await readJson(req);
  if (!body.ok) return record(body.res, 'rejected', 'unreadable body');
  const parsed = limitsBodySchema.safeParse(body.value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return record(problem(400, `invalid limits: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues }), 'rejected');
  }
  const { reason, dailyLoss, maxPosition, maxDrawdownPct } = parsed.data;
  await services.emergency.setLimits(
    {
      ...(dailyLoss !== undefined ? { dailyLoss: parseAmount(dailyLoss) } : {}),
      ...(maxPosition !== undefined ? { maxPosition: parseAmount(maxPosition) } : {}),
      ...(maxDrawdownPct !== undefined ? { maxDrawdownBps: Math.round(maxDrawdownPct * 100) } : {}),
    },
    caller.actor,
  );
  return record(json(await document(services)), 'accepted', reason, { dailyLoss, maxPosition, maxDrawdownPct });
});
