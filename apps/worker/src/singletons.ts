import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { RECEIPT_POLLER_ID, type ReceiptPollerInput } from '@blockops/domain';

/**
 * Starts the receipt-poller singleton unless it already runs: its fixed workflow id makes
 * Temporal refuse a second one, so every worker may call this at start.
 */
export async function ensureReceiptPoller(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  input: ReceiptPollerInput;
}): Promise<'started' | 'running'> {
  const connection = await Connection.connect({ address: opts.address });
  try {
    const client = new Client({ connection, namespace: opts.namespace });
    await client.workflow.start('receiptPoller', {
      workflowId: RECEIPT_POLLER_ID,
      taskQueue: opts.taskQueue,
      args: [opts.input],
      workflowIdConflictPolicy: 'FAIL',
      memo: { correlationId: RECEIPT_POLLER_ID },
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw err;
  } finally {
    await connection.close();
  }
}
