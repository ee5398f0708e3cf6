import type { BlockopsEvent } from '@blockops/events';
import { foldIdleCycles } from '../lib/client/fold-idle';

let seq = 1000;
const base = (over: Record<string, unknown>) =>
  ({
    id: `${seq++}-0`,
    timestamp: new Date(1_780_000_000_000 + seq * 1000).toISOString(),
    workflowId: 'receipt-poller',
    runId: 'r',
    workflowType: 'receiptPoller',
    correlationId: 'receipt-poller',
    ...over,
  }) as unknown as BlockopsEvent;
const started = () => base({ type: 'node_started', node_id: 'n', node_name: 'pollReceipts', attempt: 1 });
const completed = (outputs: Record<string, unknown>) =>
  base({ type: 'node_completed', node_id: 'n', node_name: 'pollReceipts', duration_ms: 60_000, status: 'success', outputs });
const idlePoll = (from: number, to: number) => [
  started(),
  completed({ count: 0, confirmations: [], fromHeight: from, toHeight: to }),
  base({ type: 'receipts_processed', count: 7, applied: 0, from_height: from, to_height: to }),
];
const newestFirst = (events: BlockopsEvent[]) => [...events].reverse();

test('consecutive idle polls of the receipt poller fold into one row with their heights', () => {
  const events = newestFirst([...idlePoll(10, 70), ...idlePoll(70, 130), ...idlePoll(130, 190)]);
  const items = foldIdleCycles(events);
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ kind: 'folded', polls: 3, events: 9, fromHeight: 10, toHeight: 190, workflowId: 'receipt-poller' });
});

test('a poll that applied something of ours, and any other event, stays visible and splits the folds', () => {
  const ours = [
    started(),
    completed({ count: 2, confirmations: [{ operationId: 'x' }], fromHeight: 190, toHeight: 191 }),
    base({ type: 'receipts_processed', count: 3, applied: 2, from_height: 190, to_height: 191 }),
  ];
  const other = base({ type: 'execution_started', workflowId: 'op-x', workflowType: 'operation', taskQueue: 'q', attempt: 1 });
  const events = newestFirst([...idlePoll(10, 70), ...idlePoll(70, 130), ...ours, other, ...idlePoll(191, 250), ...idlePoll(250, 300)]);
  const items = foldIdleCycles(events);
  const kinds = items.map((i) => (i.kind === 'folded' ? `folded:${i.polls}` : i.event.type));
  // newest first: two idle polls, the other run's event, the poll that applied ours (its node_started is not telling, so it folds), two idle polls
  expect(kinds).toEqual(['folded:2', 'execution_started', 'receipts_processed', 'node_completed', 'folded:2']);
});

test('a lone idle event is shown as itself; other workflows are never folded', () => {
  const lone = base({ type: 'receipts_processed', count: 1, applied: 0, from_height: 1, to_height: 2 });
  expect(foldIdleCycles([lone])).toEqual([{ kind: 'event', event: lone }]);
  const notPoller = base({
    type: 'node_started',
    node_id: 'n',
    node_name: 'pollReceipts',
    attempt: 1,
    workflowType: 'other',
    workflowId: 'w',
  });
  expect(foldIdleCycles([notPoller, notPoller]).every((i) => i.kind === 'event')).toBe(true);
});
