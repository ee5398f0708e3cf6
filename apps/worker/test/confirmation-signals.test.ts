/**
 * The receipt activity's confirmation sender: every confirmation is signalled; one whose operation
 * has ended is done; any other failure is handed back for the workflow to signal durably.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Confirmation } from '@blockops/workflows/public';
import { confirmationSender } from '../src/activities/confirmation-signals';

const conf = (operationId: string): Confirmation => ({ operationId, blockHeight: 7, actualCost: '1.5', receiptId: `r-${operationId}` });

test('signalled, ended and unreachable operations: only the unreachable come back, in order', async () => {
  const sent: string[] = [];
  const sender = confirmationSender(async (c) => {
    sent.push(c.operationId);
    if (c.operationId.startsWith('ended'))
      throw new WorkflowNotFoundError('workflow execution already completed', `op-${c.operationId}`, undefined);
    if (c.operationId.startsWith('down')) throw new Error('14 UNAVAILABLE: connection refused');
  });
  sender.send([conf('a'), conf('ended-1'), conf('down-1')]);
  sender.send([conf('b'), conf('down-2')]);
  expect(await sender.unsent()).toEqual([conf('down-1'), conf('down-2')]);
  expect(sent).toEqual(['a', 'ended-1', 'down-1', 'b', 'down-2']);
  // what was waited for is not waited for again
  expect(await sender.unsent()).toEqual([]);
});

test('a signal still in flight is waited for before the call returns', async () => {
  let release!: () => void;
  const sender = confirmationSender(() => new Promise<void>((r) => (release = r)));
  sender.send([conf('slow')]);
  let done = false;
  const left = sender.unsent().then((x) => ((done = true), x));
  await new Promise((r) => setImmediate(r));
  expect(done).toBe(false);
  release();
  expect(await left).toEqual([]);
});
