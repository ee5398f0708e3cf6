import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { operationWorkflowId } from '@blockops/domain';
import { receiptConfirmedSignal, type Confirmation } from '@blockops/workflows/public';

/** Tells one operation its receipt arrived; resolves once the server has the signal. */
export type SignalConfirmation = (c: Confirmation) => Promise<void>;

/** Through the worker's own client (the activity context's), or none outside an activity (benches, direct calls). */
export function contextSignaller(): SignalConfirmation | undefined {
  let client: Context['client'];
  try {
    client = Context.current().client;
  } catch {
    return undefined;
  }
  return (c) => client.workflow.getHandle(operationWorkflowId(c.operationId)).signal(receiptConfirmedSignal, c);
}

/**
 * Sends confirmations as soon as their batch is applied (the receipt poller's workflow then has
 * nothing to signal: no SignalExternal commands, no task per answer, no wait behind them). An
 * operation that has ended, or never ran here, needs nothing. Any other failure is handed back:
 * the workflow signals those durably, as it signalled every one before.
 */
export function confirmationSender(signal: SignalConfirmation) {
  const pending: Array<Promise<Confirmation | undefined>> = [];
  return {
    send(cs: Confirmation[]) {
      for (const c of cs)
        pending.push(
          signal(c).then(
            () => undefined,
            (err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : c),
          ),
        );
    },
    /** waits for every signal sent; the confirmations that still need one */
    async unsent(): Promise<Confirmation[]> {
      const left = await Promise.all(pending.splice(0));
      return left.filter((c): c is Confirmation => c !== undefined);
    },
  };
}
