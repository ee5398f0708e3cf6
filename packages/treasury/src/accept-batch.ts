import {
  disbursementWorkflowId,
  finishBatch,
  formatUnits,
  lookupIds,
  parseBatch,
  type BatchIssue,
  type DisburseStart,
} from '@blockops/domain';
import { MAX_BATCH_TOTAL_UNITS } from './intake';
import type { TreasuryStore } from './store';
import type { ChangedItem } from './views';

export type AcceptOutcome =
  | { kind: 'invalid'; issues: BatchIssue[] }
  | { kind: 'conflict'; message: string; batchId?: string; ids: string[] }
  | {
      kind: 'accepted';
      batchId: string;
      workflowId: string;
      items: number;
      totalAmount: string;
      /** items ready at once (no dependency left to wait for) */
      ready: number;
      /** items cancelled at intake because a dependency from an earlier batch did not execute */
      cancelled: ChangedItem[];
      /**
       * When the executors' nonces were synced alongside (`nodeNonces`): the batch as stored, for the
       * workflow input (`prepared`), so its first task launches chunks at once
       */
      prepared?: DisburseStart;
    };

/**
 * Intake (`POST /api/disbursements`): the whole batch is validated — every problem reported —
 * against the ids the store has seen, then stored in one script. Nothing of a refused batch is
 * stored. Starting its workflow is the caller's next step.
 *
 * `nodeNonces` (the node's last nonce per executor whose name starts with the prefix it is given:
 * packages/chain's executorNonces): the executors' nonce counters are raised to the node's while
 * the batch is validated and stored (a store restored from an older copy never reuses a nonce).
 * When that worked, the accepted batch carries `prepared` and its workflow skips prepareBatch: the
 * sync is off the path from intake to the first submission. When it failed, the workflow syncs.
 */
export async function acceptBatch(
  store: TreasuryStore,
  body: unknown,
  opts: { newBatchId: () => string; nodeNonces?: (executorPrefix: string) => Promise<Record<string, number>> },
): Promise<AcceptOutcome> {
  const parsed = parseBatch(body);
  // only for a batch that may be stored; its failure is a value (never an unhandled rejection): the
  // workflow then syncs itself
  const nodeNonces = opts.nodeNonces;
  const synced =
    nodeNonces && parsed.issues.length === 0
      ? nodeNonces(`${store.executors.prefix}-`)
          .then((n) => store.raiseNonces(n))
          .then(
            () => true,
            () => false,
          )
      : undefined;
  // A batch with no problem of its own and no dependency outside it is not looked up in the store
  // first: the intake script refuses a used batch id or item ids itself, atomically, and such a
  // refusal (or a total over the limit) is answered after the full check below, as before. Others
  // are checked against the store at once, so their answer names every problem, reused ids included.
  const quick = parsed.issues.length === 0 && parsed.external.length === 0;
  let v = quick ? finishBatch(parsed, NOTHING_USED) : await checkedAgainst(store, parsed);
  if (v.ok && quick && v.totalUnits > MAX_BATCH_TOTAL_UNITS) v = await checkedAgainst(store, parsed);
  if (!v.ok) return refusal(v);
  if (v.totalUnits > MAX_BATCH_TOTAL_UNITS) {
    return {
      kind: 'invalid',
      issues: [
        {
          field: 'items',
          message: `the batch totals ${formatUnits(v.totalUnits)}; at most ${formatUnits(MAX_BATCH_TOTAL_UNITS)} per batch`,
        },
      ],
    };
  }
  const batchId = v.batchId ?? opts.newBatchId();
  const workflowId = disbursementWorkflowId(batchId);
  const r = await store.intake({ batchId, workflowId, items: v.items, totalUnits: v.totalUnits, levels: v.levels });
  if (!r.ok) {
    // reused ids (not looked up first), or another intake won a race between the lookup and the store
    if ('conflict' in r) {
      const full = await checkedAgainst(store, parsed);
      if (!full.ok) return refusal(full); // every reused id and the batch id, as the check words them
      const ids = r.conflict === 'ids' ? r.ids : [];
      const b = r.conflict === 'batch' ? batchId : undefined;
      return { kind: 'conflict', message: conflictMessage(b, ids), batchId: b, ids };
    }
    return {
      kind: 'invalid',
      issues: [
        {
          id: r.unknown.id,
          field: 'memo',
          message: `depends on "${r.unknown.dependency}", which is neither in this batch nor accepted earlier`,
        },
      ],
    };
  }
  // the throttle once the batch is stored (a later change reaches the run by its signal, or by the first
  // chunk's report when it came before the run existed)
  const [ok, throttle] = synced ? await Promise.all([settledWithin(synced, SYNC_WAIT_MS), store.throttle()]) : [false, undefined];
  const cancelled = r.cancelled.filter((c) => c.batchId === batchId).length;
  return {
    kind: 'accepted',
    batchId,
    workflowId,
    items: v.items.length,
    totalAmount: formatUnits(v.totalUnits),
    ready: r.ready,
    cancelled: r.cancelled,
    ...(ok && throttle
      ? {
          prepared: {
            counts: { QUEUED: v.items.length - cancelled, EXECUTED: 0, CANCELLED: cancelled, FAILED: 0 },
            readyLeft: r.ready,
            throttle: { maxInFlightChunks: throttle.maxInFlightChunks, chunkSize: throttle.chunkSize },
          },
        }
      : {}),
  };
}

const NOTHING_USED = { idUsed: () => false, batchUsed: () => false };

/** The batch checked against what the store has accepted: ids and the batch id used before, dependencies outside it. */
async function checkedAgainst(store: TreasuryStore, parsed: ReturnType<typeof parseBatch>) {
  const ids = lookupIds(parsed);
  const used =
    ids.length || parsed.batchId ? await store.lookupUsed(ids, parsed.batchId) : { usedIds: new Set<string>(), batchUsed: false };
  return finishBatch(parsed, { idUsed: (id) => used.usedIds.has(id), batchUsed: () => used.batchUsed });
}

/** A batch the check refused: 400 with every problem, or 409 when reused ids are all there is. */
function refusal(v: Extract<ReturnType<typeof finishBatch>, { ok: false }>): AcceptOutcome {
  if (!v.conflictOnly) return { kind: 'invalid', issues: v.issues };
  return { kind: 'conflict', message: conflictMessage(v.conflicts.batchId, v.conflicts.ids), ...v.conflicts };
}

/**
 * How long a stored batch waits for a nonce sync still running (a slow node must not hold the
 * intake's answer): past it, the workflow syncs itself (prepareBatch), and the late sync only ever
 * raises counters to nonces the node has seen.
 */
const SYNC_WAIT_MS = 250;

/** `p`'s value if it settles within `ms`, else undefined. */
function settledWithin<T>(p: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function conflictMessage(batchId: string | undefined, ids: string[]): string {
  const parts = [];
  if (batchId) parts.push(`batchId "${batchId}" was already used`);
  if (ids.length)
    parts.push(
      `${ids.length} item id${ids.length === 1 ? ' was' : 's were'} already used (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`,
    );
  return `${parts.join('; ')}: ids are never reused, submit with new ones`;
}
