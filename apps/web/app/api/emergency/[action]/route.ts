import { json, problem, readJson, route, zodIssues } from '@/lib/server/http';
import { emergencyActionSchema, requestTransition, transitionBodySchema } from '@/lib/server/emergency';

export const dynamic = 'force-dynamic';

/**
 * POST /api/emergency/alert|halt|resume|shutdown with `{ "reason" }`. Answered once the new state
 * is written where every submitting activity reads it: after a 200 to `halt`, no chain submission
 * starts. A transition not allowed from the current state is 409 naming both. Audited.
 */
export const POST = route<{ action: string }>('operator', async (req, { services, caller, params }) => {
  const action = emergencyActionSchema.safeParse(params.action);
  const name = `emergency.${params.action}`;
  const record = async (res: Response, outcome: 'accepted' | 'rejected' | 'failed', reason?: string) => {
    services.metrics.controlActions.inc({ action: name, outcome });
    await services.audit.append({ actor: caller.actor, action: name, target: 'emergency-controller', outcome, reason });
    return res;
  };
  if (!action.success)
    return record(problem(404, `unknown emergency action "${params.action}": use alert, halt, resume or shutdown`), 'rejected');
  const body = await readJson(req);
  if (!body.ok) return record(body.res, 'rejected', 'unreadable body');
  const parsed = transitionBodySchema.safeParse(body.value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return record(
      problem(400, `invalid ${action.data}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues }),
      'rejected',
    );
  }
  const { reason } = parsed.data;
  try {
    const outcome = await requestTransition(services, action.data, reason, caller.actor);
    if (!outcome.ok) return record(problem(409, outcome.message), 'rejected', `${reason} — refused: ${outcome.message}`);
    return record(json(outcome.transition), 'accepted', reason);
  } catch (err) {
    return record(problem(503, `could not reach the emergency controller through Temporal: ${(err as Error).message}`), 'failed', reason);
  }
});
