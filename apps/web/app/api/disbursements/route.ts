import { MAX_BATCH_BODY_BYTES } from '@blockops/domain';
import { executorNonces } from '@blockops/chain';
import { acceptBatch } from '@blockops/treasury';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { temporalRunUrl } from '@/lib/server/http';
import { batchBodySchema, consoleUrl, newBatchId, startDisbursement, submitAnswers } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/**
 * Submit a disbursement batch. The whole batch is validated before anything is stored: 400 lists
 * every problem (each naming the item id and field; a cycle its path), 409 names reused ids, 413
 * names the body limit. 202 once the batch is stored and its workflow started. Every call is audited.
 */
const submit = endpoint({
  method: 'POST',
  path: '/api/disbursements',
  operationId: 'submitDisbursements',
  summary: 'submit a batch of up to 10,000 disbursements; validated whole (every problem reported) before anything is stored',
  description:
    'Dependencies come from each memo: JSON `{"depends_on": ["a", "b"]}` or key-value `depends_on=a,b` (≤ 100, duplicates removed). An item is paid only after every dependency executed; a dependency cancelled or failed cancels its dependents, naming the root cause. The workflow is `disburse-<batchId>`.',
  tags: ['treasury'],
  access: 'operator',
  body: batchBodySchema,
  bodyLimit: MAX_BATCH_BODY_BYTES,
  audit: 'disbursement.submit',
  responses: submitAnswers,
}).handle(async ({ services, caller, body }) => {
  const { audit, metrics, treasury } = services;
  const record = async (
    outcome: 'accepted' | 'rejected' | 'failed',
    target?: string,
    reason?: string,
    details?: Record<string, unknown>,
  ) => {
    metrics.controlActions.inc({ action: 'disbursement.submit', outcome });
    await audit.append({ actor: caller.actor, action: 'disbursement.submit', target, outcome, reason, details });
  };

  // the executors' nonces are synced while the batch is validated and stored (off the path to its first submission)
  const outcome = await acceptBatch(treasury, body, { newBatchId, nodeNonces: (prefix) => executorNonces(services.chain, prefix) });
  if (outcome.kind === 'invalid') {
    const n = outcome.issues.length;
    const head = outcome.issues
      .slice(0, 3)
      .map((i) => `${i.id ? `${i.id}: ` : ''}${i.field}: ${i.message}`)
      .join('; ');
    const error = `invalid batch: ${n} problem${n === 1 ? '' : 's'} (${head}${n > 3 ? '; …' : ''})`;
    const batchId = (body as { batchId?: unknown } | null)?.batchId;
    await record('rejected', typeof batchId === 'string' ? batchId.slice(0, 64) : undefined, `${n} problems`, {
      issues: outcome.issues.slice(0, 20),
    });
    return { status: 400, body: { error, issues: outcome.issues } };
  }
  if (outcome.kind === 'conflict') {
    await record('rejected', outcome.batchId, outcome.message);
    return { status: 409, body: { error: outcome.message, ...(outcome.batchId ? { batchId: outcome.batchId } : {}), ids: outcome.ids } };
  }

  const { batchId, workflowId } = outcome;
  metrics.treasuryIntake.inc({ status: 'QUEUED' }, outcome.items);
  if (outcome.cancelled.length) metrics.treasuryIntake.inc({ status: 'CANCELLED' }, outcome.cancelled.length);
  const links = { temporalUrl: temporalRunUrl(services, workflowId), consoleUrl: consoleUrl(batchId) };
  // audited as soon as it is stored, before its workflow starts: a batch that will pay out always has its entry
  await record('accepted', batchId, undefined, { items: outcome.items, totalAmount: outcome.totalAmount });
  try {
    await startDisbursement(
      services,
      batchId,
      workflowId,
      { correlationId: caller.correlationId, startedBy: caller.actor },
      outcome.prepared,
    );
  } catch (err) {
    const message = `batch ${batchId} is stored but its workflow could not be started (${(err as Error).message}); a running worker starts it once it is TREASURY_RECONCILE_MS old (30 s by default), or a worker at its start`;
    await record('failed', batchId, message);
    return { status: 503, body: { error: message, batchId, workflowId, ...links } };
  }
  return {
    status: 202,
    body: {
      batchId,
      workflowId,
      items: outcome.items,
      totalAmount: outcome.totalAmount,
      ready: outcome.ready,
      cancelledAtIntake: outcome.cancelled.map((c) => ({
        id: c.id,
        ...(c.rootCause ? { rootCause: c.rootCause } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
      })),
      correlationId: caller.correlationId,
      ...links,
    },
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(submit);
