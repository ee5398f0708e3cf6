import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { RECEIPT_POLLER_ID, disbursementWorkflowId, type DisburseInput, type ReceiptPollerInput } from '@blockops/domain';
import { CORRELATION_ID_KEY, EMERGENCY_CONTROLLER_ID } from '@blockops/workflows/public';

/**
 * Starts the receipt-poller singleton unless it already runs: its fixed workflow id makes
 * Temporal refuse a second one, so every worker may call this at start.
 */
export function ensureReceiptPoller(opts: { address: string; namespace: string; taskQueue: string; input: ReceiptPollerInput }) {
  return ensureSingleton(opts, 'receiptPoller', RECEIPT_POLLER_ID, [opts.input], {
    summary: 'Receipt poller: chain receipts → accounting, checkpoint in Redis',
    details:
      'Singleton. Applies the receipts of our account to accounting atomically with its checkpoint, signals the operations ' +
      'they confirm and confirms late the ones that had ended. Continues as new every `cyclesPerRun` calls.',
  });
}

/** The emergency controller singleton: it reads the latched state from Redis when it first starts. */
export function ensureEmergencyController(opts: { address: string; namespace: string; taskQueue: string }) {
  return ensureSingleton(opts, 'emergencyController', EMERGENCY_CONTROLLER_ID, [{}], {
    summary: 'Emergency controller: NORMAL / ALERT / HALT / SHUTDOWN',
  });
}

async function ensureSingleton(
  opts: { address: string; namespace: string; taskQueue: string },
  workflowType: string,
  workflowId: string,
  args: unknown[],
  /** what Temporal Web shows for the run */
  shown: { summary: string; details?: string },
): Promise<'started' | 'running'> {
  const connection = await Connection.connect({ address: opts.address });
  try {
    const client = new Client({ connection, namespace: opts.namespace });
    await client.workflow.start(workflowType, {
      workflowId,
      taskQueue: opts.taskQueue,
      args,
      workflowIdConflictPolicy: 'FAIL',
      memo: { correlationId: workflowId },
      typedSearchAttributes: [{ key: CORRELATION_ID_KEY, value: workflowId }],
      staticSummary: shown.summary,
      ...(shown.details ? { staticDetails: shown.details } : {}),
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw err;
  } finally {
    await connection.close();
  }
}

/**
 * Starts `disburse-<batchId>` for stored batches that never got their workflow (the web stored the
 * batch, then died before starting it). A batch whose workflow ever existed is left alone. A batch
 * that could not be started does not stop the others: each is reported, started or failed.
 */
export async function ensureDisbursementWorkflows(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  batchIds: string[];
  input: Omit<DisburseInput, 'batchId'>;
}): Promise<{ started: string[]; failed: { batchId: string; error: string }[] }> {
  const started: string[] = [];
  const failed: { batchId: string; error: string }[] = [];
  if (!opts.batchIds.length) return { started, failed };
  const connection = await Connection.connect({ address: opts.address });
  try {
    const client = new Client({ connection, namespace: opts.namespace });
    for (const batchId of opts.batchIds) {
      const workflowId = disbursementWorkflowId(batchId);
      try {
        await client.workflow.start('disburse', {
          workflowId,
          taskQueue: opts.taskQueue,
          args: [{ ...opts.input, batchId }],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { correlationId: workflowId },
        });
        started.push(batchId);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) failed.push({ batchId, error: String(err) });
      }
    }
    return { started, failed };
  } finally {
    await connection.close();
  }
}
