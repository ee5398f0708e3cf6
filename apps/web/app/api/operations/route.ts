import { json, problem, readJson, route, temporalRunUrl, zodIssues } from '@/lib/server/http';
import { breakerRefusal, newOperationId, submitOperation, submitOperationSchema, unavailable } from '@/lib/server/operations';

export const dynamic = 'force-dynamic';

/**
 * Submit an operation. The answer comes from the operation workflow's admission: 202 submitted,
 * 409 gate closed (or id already used), 402 balance short, 400 invalid input (naming the field),
 * 422/502 refused or failed by the node,
 * 503 with Retry-After while the chain's circuit breaker is open (nothing started or reserved when
 * it is seen open here; released by the workflow when its submit is refused). Nothing reaches the
 * chain unless the answer is 202. Every call is audited.
 */
export const POST = route('operator', async (req, { services, caller }) => {
  const { audit, metrics } = services;
  const record = async (
    res: Response,
    outcome: 'accepted' | 'rejected' | 'failed',
    target: string | undefined,
    reason?: string,
    details?: Record<string, unknown>,
  ) => {
    metrics.controlActions.inc({ action: 'operation.submit', outcome });
    await audit.append({ actor: caller.actor, action: 'operation.submit', target, outcome, reason, details });
    return res;
  };
  const body = await readJson(req);
  if (!body.ok) return record(body.res, 'rejected', undefined, 'unreadable body');
  const parsed = submitOperationSchema.safeParse(body.value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return record(
      problem(400, `invalid operation: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues }),
      'rejected',
      undefined,
      JSON.stringify(issues),
    );
  }
  const input = { ...parsed.data, operationId: parsed.data.operationId ?? newOperationId() };
  // the breaker is open: answer now, with nothing started and nothing reserved
  const refused = await breakerRefusal(services);
  if (refused) {
    const message = `The Block node is unavailable (circuit breaker ${refused.breaker} ${refused.state.replace('_', ' ')}): nothing was submitted; submit again after ${refused.retryAt}`;
    return record(unavailable(message, { operationId: input.operationId, ...refused }), 'rejected', input.operationId, message);
  }
  let outcome;
  try {
    outcome = await submitOperation(services, input, { correlationId: caller.correlationId, startedBy: caller.actor });
  } catch (err) {
    return record(
      problem(503, `could not submit the operation through Temporal: ${(err as Error).message}`),
      'failed',
      input.operationId,
      (err as Error).message,
    );
  }
  const links = {
    workflowId: outcome.workflowId,
    temporalUrl: temporalRunUrl(services, outcome.workflowId),
    consoleUrl: `/runs/${encodeURIComponent(outcome.workflowId)}`,
  };
  if (outcome.kind === 'conflict')
    return record(
      problem(409, outcome.message, { operationId: input.operationId, ...links }),
      'rejected',
      input.operationId,
      outcome.message,
    );
  if (outcome.kind === 'failed')
    return record(
      problem(502, outcome.message, { operationId: input.operationId, ...links }),
      'failed',
      input.operationId,
      outcome.message,
    );
  const a = outcome.answer;
  switch (a.code) {
    case 202:
      return record(
        json({ operationId: a.operationId, txHash: a.txHash, status: 'SUBMITTED', correlationId: caller.correlationId, ...links }, 202),
        'accepted',
        a.operationId,
        undefined,
        { market: input.market, estimatedCost: input.estimatedCost, txHash: a.txHash },
      );
    case 409:
      // the gate's state, or the emergency halt that refused it
      return record(
        problem(409, a.message, { operationId: a.operationId, ...('gate' in a ? { gate: a.gate } : { halt: a.halt }), ...links }),
        'rejected',
        a.operationId,
        a.message,
      );
    case 402:
      return record(
        problem(402, a.message, { operationId: a.operationId, need: a.need, available: a.available, ...links }),
        'rejected',
        a.operationId,
        a.message,
      );
    case 503:
      return record(
        unavailable(a.message, { operationId: a.operationId, breaker: a.breaker, retryAt: a.retryAt, ...links }),
        'rejected',
        a.operationId,
        a.message,
      );
    default:
      return record(problem(a.code, a.message, { operationId: a.operationId, ...links }), 'failed', a.operationId, a.message);
  }
});
