import type { BlockopsEvent } from '@blockops/events/schemas';

/** Consecutive idle cycles of the receipt poller, shown as one row. */
export interface FoldedIdle {
  kind: 'folded';
  /** id of the newest event folded (the row's key) */
  id: string;
  workflowId: string;
  /** poll activities that found nothing of ours */
  polls: number;
  events: number;
  fromHeight?: number;
  toHeight?: number;
  newest: string;
  oldest: string;
}
export type FeedItem = { kind: 'event'; event: BlockopsEvent } | FoldedIdle;

const POLL_ACTIVITY = 'pollReceipts';
type PollOutputs = { count?: number; confirmations?: unknown[]; late?: unknown[]; fromHeight?: number; toHeight?: number };

/** Heights an idle event covers, or undefined when the event is not an idle cycle of the poller. */
function idleHeights(e: BlockopsEvent): { from?: number; to?: number; poll: boolean } | undefined {
  if (e.workflowType !== 'receiptPoller') return undefined;
  if (e.type === 'node_started' && e.node_name === POLL_ACTIVITY) return { poll: false };
  if (e.type === 'node_completed' && e.node_name === POLL_ACTIVITY) {
    const o = (e.outputs ?? {}) as PollOutputs;
    if ((o.count ?? 0) > 0 || (o.confirmations?.length ?? 0) > 0 || (o.late?.length ?? 0) > 0) return undefined;
    return { from: o.fromHeight, to: o.toHeight, poll: true };
  }
  if (e.type === 'receipts_processed' && !e.applied) return { from: e.from_height, to: e.to_height, poll: false };
  return undefined;
}

/**
 * Folds runs of the receipt poller's idle cycles (a poll that applied nothing of ours, its
 * node_started/node_completed and its receipts_processed with nothing applied) into one item, so
 * they do not push everything else out of the feed. Events keep their order (newest first); a run
 * of a single idle event stays as it is.
 */
export function foldIdleCycles(events: BlockopsEvent[]): FeedItem[] {
  const items: FeedItem[] = [];
  let run: BlockopsEvent[] = [];
  const flush = () => {
    if (run.length === 1) items.push({ kind: 'event', event: run[0]! });
    else if (run.length > 1) {
      let polls = 0;
      let from: number | undefined;
      let to: number | undefined;
      for (const e of run) {
        const h = idleHeights(e)!;
        if (h.poll) polls++;
        if (h.from !== undefined) from = from === undefined ? h.from : Math.min(from, h.from);
        if (h.to !== undefined) to = to === undefined ? h.to : Math.max(to, h.to);
      }
      items.push({
        kind: 'folded',
        id: run[0]!.id,
        workflowId: run[0]!.workflowId,
        polls,
        events: run.length,
        fromHeight: from,
        toHeight: to,
        newest: run[0]!.timestamp,
        oldest: run[run.length - 1]!.timestamp,
      });
    }
    run = [];
  };
  for (const e of events) {
    if (idleHeights(e) && (run.length === 0 || run[0]!.workflowId === e.workflowId)) run.push(e);
    else {
      flush();
      if (idleHeights(e)) run.push(e);
      else items.push({ kind: 'event', event: e });
    }
  }
  flush();
  return items;
}
