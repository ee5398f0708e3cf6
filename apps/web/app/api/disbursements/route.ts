import { MAX_BATCH_BODY_BYTES } from '@blockops/domain';
import { acceptBatch } from '@blockops/treasury';
import { json, problem, readJson, route, temporalRunUrl } from '@/lib/server/http';
import { consoleUrl, newBatchId, startDisbursement } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/**
 * Submit a disbursement batch. The whole batch is validated before anything is stored: 400 lists
 * every problem (each naming the item id and field; a cycle its path), 409 names reused ids, 413
 * names the body limit. 202 once the batch is stored and its workflow started. Every call is audited.
 */
export const POST = route('operator', async (req, { services, caller }) => {
  const { audit, metrics, treasury } = services;
  const record = async (
    res: Response,
    outcome: 'accepted' | 'rejected' | 'failed',
    target?: string,
    reason?: string,
    details?: Record<string, unknown>,
  ) => {
    metrics.controlActions.inc({ action: 'disbursement.submit', outcome });
    await audit.append({ actor: caller.actor, action: 'disbursement.submit', target, outcome, reason, details });
    return res;
  };
  const body = await readJson(req, MAX_BATCH_BODY_BYTES);
  if (!body.ok) return record(body.res, 'rejected', undefined, 'unreadable or oversized body');

  const outcome = await acceptBatch(treasury, body.value, { newBatchId });
  if (outcome.kind === 'invalid') {
    const n = outcome.issues.length;
    const head = outcome.issues
      .slice(0, 3)
      .map((i) => `${i.id ? `${i.id}: ` : ''}${i.field}: ${i.message}`)
      .join('; ');
    return record(
      problem(400, `invalid batch: ${n} problem${n === 1 ? '' : 's'} (${head}${n > 3 ? '; …' : ''})`, { issues: outcome.issues }),
      'rejected',
      (body.value as { batchId?: string })?.batchId,
      `${n} problems`,
      { issues: outcome.issues.slice(0, 20) },
    );
  }
  if (outcome.kind === 'conflict') {
    return record(
      problem(409, outcome.message, { ...(outcome.batchId ? { batchId: outcome.batchId } : {}), ids: outcome.ids }),
      'rejected',
      outcome.batchId,
      outcome.message,
    );
  }

  const { batchId, workflowId } = outcome;
  metrics.treasuryIntake.inc({ status: 'QUEUED' }, outcome.items);
  if (outcome.cancelled.length) metrics.treasuryIntake.inc({ status: 'CANCELLED' }, outcome.cancelled.length);
  const links = { temporalUrl: temporalRunUrl(services, workflowId), consoleUrl: consoleUrl(batchId) };
  try {
    await startDisbursement(services, batchId, workflowId, { correlationId: caller.correlationId, startedBy: caller.actor });
  } catch (err) {
    const message = `batch ${batchId} is stored but its workflow could not be started (${(err as Error).message}); the next worker start starts it`;
    return record(problem(503, message, { batchId, workflowId, ...links }), 'failed', batchId, message);
  }
  return record(
    json(
      {
        batchId,
        workflowId,
        items: outcome.items,
        totalAmount: outcome.totalAmount,
        ready: outcome.ready,
        cancelledAtIntake: outcome.cancelled.map((c) => ({ id: c.id, rootCause: c.rootCause, reason: c.reason })),
        correlationId: caller.correlationId,
        ...links,
      },
      202,
    ),
    'accepted',
    batchId,
    undefined,
    { items: outcome.items, totalAmount: outcome.totalAmount },
  );
});
