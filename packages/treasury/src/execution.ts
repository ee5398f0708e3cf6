import { unitsFromString, unitsToString, type DisbursementStatus, type Units } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { parseChanged, toCounts } from './changed';
import type { TreasuryKeys } from './keys';
import { decodeItemState, decodeReason } from './state-entry';
import { idsWithStatus } from './status-scan';
import { claimScript, finishScript, raiseNoncesScript, recordScript } from './scripts';
import type { ChangedItem, StatusCounts } from './views';

/** An item of a claimed chunk, with the executor and nonce it keeps on every retry. */
export interface ClaimedItem {
  id: string;
  status: DisbursementStatus;
  executor: string;
  nonce: number;
  destination: string;
  units: Units;
  chainMemo?: string;
  attempts: number;
  /** ms since the epoch when the chunk claimed it (first attempt) */
  claimedAt: number;
}

/** The node's answer for one item: E executed (tx hash), C cancelled / F failed (reason), T transient (retried). */
export type ItemResult =
  /** `units`: the item's units as claimed (lets the record add a round's executed units at once) */
  | { id: string; kind: 'E'; txHash: string; units?: Units }
  | { id: string; kind: 'C' | 'F'; reason: string }
  | { id: string; kind: 'T'; error: string };

/** A claimed round: its items (as claimed: a retry gets the same), the ready items left, whether it was claimed just now. */
export interface Claim {
  items: ClaimedItem[];
  readyLeft: number;
  fresh: boolean;
}

/** A claim as the scripts return it: per item 'id status executor nonce destination units attempts claimedAt', then its chain memo. */
function toClaim(reply: unknown): Claim {
  const [rows, readyLeft, fresh] = reply as [string[], number, number];
  const items: ClaimedItem[] = [];
  for (let i = 0; i < rows.length; i += 2) {
    const [id, status, executor, nonce, destination, units, att, claimedAt] = rows[i]!.split(' ') as string[];
    const cmemo = rows[i + 1];
    items.push({
      id: id!,
      status: status as DisbursementStatus,
      executor: executor!,
      nonce: Number(nonce),
      destination: destination!,
      units: unitsFromString(units!),
      ...(cmemo ? { chainMemo: cmemo } : {}),
      attempts: Number(att || 0),
      claimedAt: Number(claimedAt || 0),
    });
  }
  return { items, readyLeft: Number(readyLeft), fresh: fresh === 1 };
}

/** A tx hash, reason or error kept on one line (a record's answers are lines of one argument). */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

/**
 * The items a record executed ('id nonce id nonce …', in answer order), each with the tx hash its
 * answer carried (as recorded): the answers are walked once alongside, no map per round.
 */
function executedChanges(batchId: string, executedHere: string, results: ItemResult[]): ChangedItem[] {
  if (!executedHere) return [];
  const f = executedHere.split(' ');
  const out: ChangedItem[] = [];
  let a = 0;
  for (let i = 0; i < f.length; i += 2) {
    const id = f[i]!;
    // its first E answer: the one the record executed (a later one for the same id changed nothing)
    while (a < results.length && !(results[a]!.id === id && results[a]!.kind === 'E')) a++;
    const r = results[a++];
    const tx = r?.kind === 'E' ? oneLine(r.txHash) : undefined;
    out.push({ id, batchId, status: 'EXECUTED', ...(tx ? { txHash: tx } : {}), nonce: Number(f[i + 1]) });
  }
  return out;
}

export interface RecordOutcome {
  changed: ChangedItem[];
  counts: StatusCounts;
  readyLeft: number;
  /** other batches whose items became ready or were cancelled by this record (their workflows should look) */
  others: { batchId: string; counts: StatusCounts }[];
  /** the next round, when asked for and claimed in the same step */
  next?: Claim;
}

export interface ExecutorPool {
  /** executor identities are `<prefix>-<i>` for i < count */
  prefix: string;
  count: number;
}

export function createExecution(redis: RedisClient, keys: TreasuryKeys, pool: ExecutorPool) {
  /** Items of a batch resolved already, as a record reported them (exported as resolvedOf). */
  async function resolvedOf(batchId: string, ids: string[]): Promise<ChangedItem[]> {
    if (!ids.length) return [];
    const [states, txs, whys] = (await redis
      .multi()
      .hmGet(keys.states(batchId), ids)
      .hmGet(keys.txs(batchId), ids)
      .hmGet(keys.reasons(batchId), ids)
      .exec()) as unknown as (string | null)[][];
    return ids.flatMap((id, i) => {
      const s = decodeItemState(states![i]);
      if (s.status === 'QUEUED') return [];
      const tx = txs![i];
      return [
        {
          id,
          batchId,
          status: s.status,
          ...(s.status === 'EXECUTED' && tx ? { txHash: tx } : {}),
          ...(s.nonce !== undefined ? { nonce: s.nonce } : {}),
          ...(s.status === 'EXECUTED' ? {} : decodeReason(whys![i])),
        },
      ];
    });
  }

  return {
    /**
     * Claims a round of a chunk, `claim` = "<chunk>.<round>" (once: a retry gets the same items,
     * executors and nonces). `size` applies until an operator sets the throttle's chunk size.
     */
    async claimChunk(batchId: string, claim: string, size: number, opts: { replayOnly?: boolean } = {}): Promise<Claim> {
      return toClaim(
        await claimScript(
          redis,
          [],
          [keys.prefix, batchId, claim, String(size), String(Date.now()), pool.prefix, String(pool.count), opts.replayOnly ? '1' : ''],
        ),
      );
    },

    /**
     * Records the node's answers for a claimed round (idempotent: only items still QUEUED in that
     * claim change) and, with `next`, claims that round in the same script (fresh items only, as
     * `claimChunk` without `replayOnly`): one Redis step per round.
     */
    async recordResults(
      batchId: string,
      claim: string,
      results: ItemResult[],
      next?: { claim: string; size: number },
    ): Promise<RecordOutcome> {
      // the units of the E answers, summed exactly here; the script adds the sum once if they all executed with these units
      let executedUnits = 0n;
      // one packed argument for the whole round, a line per answer: 'id kind units text' (see recordScript)
      let rows = '';
      for (const r of results) {
        const units = r.kind === 'E' && r.units !== undefined ? r.units : undefined;
        if (units !== undefined) executedUnits += units;
        // a tx hash comes from the node: kept on one line like any text (a stray newline must not split the answer)
        const text = oneLine(r.kind === 'E' ? r.txHash : r.kind === 'T' ? r.error : r.reason);
        rows += `${rows ? '\n' : ''}${r.id} ${r.kind} ${units === undefined ? '' : unitsToString(units)} ${text}`;
      }
      const args = [
        keys.prefix,
        batchId,
        claim,
        String(Date.now()),
        next?.claim ?? '',
        String(next?.size ?? 0),
        pool.prefix,
        String(pool.count),
        unitsToString(executedUnits),
        rows,
      ];
      const [out, counts, readyLeft, others, nextClaim, executedHere] = (await recordScript(redis, [], args)) as [
        unknown[],
        unknown,
        number,
        string[][],
        unknown,
        string,
      ];
      return {
        changed: [...executedChanges(batchId, executedHere, results), ...parseChanged(out)],
        counts: toCounts(counts),
        readyLeft: Number(readyLeft),
        others: others.map(([b, ...c]) => ({ batchId: b!, counts: toCounts(c) })),
        ...(next && nextClaim ? { next: toClaim(nextClaim) } : {}),
      };
    },

    /**
     * Items of a claimed round that are resolved already, as a record reported them (a replay
     * republishes them: the attempt that recorded them may have died before it published).
     */
    resolvedOf,

    /**
     * Every CANCELLED item of a batch with its root cause, as a record reported them (a replay
     * republishes the ones a lost record's cascade cancelled), read 1,000 at a time.
     */
    async cancelledItems(batchId: string): Promise<ChangedItem[]> {
      const ids = await idsWithStatus(redis, keys, batchId, 'CANCELLED');
      const out: ChangedItem[] = [];
      for (let s = 0; s < ids.length; s += 1000) out.push(...(await resolvedOf(batchId, ids.slice(s, s + 1000))));
      return out;
    },

    /** A chunk's attempt ended with its events published (kept a day at most; the batch's finish drops it). */
    async markChunkEnded(batchId: string, chunk: number): Promise<void> {
      const key = keys.chunkEnded(batchId, chunk);
      await redis
        .multi()
        .set(key, '1', { EX: 86_400 })
        .sAdd(`${keys.batch(batchId)}:chunks`, key)
        .exec();
    },

    /** Whether the chunk's previous attempt ended with its events published; asking clears it for this attempt. */
    async takeChunkEnded(batchId: string, chunk: number): Promise<boolean> {
      return (await redis.getDel(keys.chunkEnded(batchId, chunk))) !== null;
    },

    /** Counts and ready items of a batch (the workflow asks when nothing is in flight). */
    async progress(batchId: string): Promise<{ counts: StatusCounts; readyLeft: number; exists: boolean }> {
      const [c, readyLeft] = await Promise.all([
        redis.hmGet(keys.batch(batchId), ['QUEUED', 'EXECUTED', 'CANCELLED', 'FAILED']),
        redis.lLen(keys.ready(batchId)),
      ]);
      return { counts: toCounts(c), readyLeft, exists: c[0] !== null };
    },

    /** COMPLETED once nothing is QUEUED; chunk records and the ready list are dropped. */
    async finish(batchId: string): Promise<{ completed: boolean; queued: number }> {
      const [done, queued] = (await finishScript(redis, [], [keys.prefix, batchId, String(Date.now())])) as [number, number];
      return { completed: done === 1, queued: Number(queued) };
    },

    /** The batch's workflow has run (its first task): stored batches without one are started by a worker's check, never this one. */
    async markWorkflowStarted(batchId: string): Promise<void> {
      // never creates the hash: a workflow started for a batch that was never stored must not take its id
      if (await redis.exists(keys.batch(batchId))) await redis.hSetNX(keys.batch(batchId), 'workflowStartedAt', String(Date.now()));
    },

    /** Marks a batch HALTED (submissions held by the decision point) until its next execution. */
    /** The batch shows HALTED with this reason; '' clears it (allowed again). */
    async markHalted(batchId: string, reason: string): Promise<void> {
      await redis.hSet(keys.batch(batchId), { halted: reason.slice(0, 500), updatedAt: String(Date.now()) });
    },

    /** Raises our executors' nonce counters to the node's last nonces (a store restored from an older copy never reuses one). */
    async raiseNonces(nodeNonces: Record<string, number>): Promise<number> {
      const args = [keys.prefix];
      const mine = `${pool.prefix}-`;
      for (const [e, n] of Object.entries(nodeNonces)) if (e.startsWith(mine)) args.push(e, String(n));
      return args.length > 1 ? Number(await raiseNoncesScript(redis, [], args)) : 0;
    },

    /** For gauges: items QUEUED across batches, the highest nonce assigned, executors holding an item. */
    async stats(): Promise<{ queued: number; maxNonce: number; busyExecutors: number }> {
      const [queued, nonces, pooled, free] = await Promise.all([
        redis.hGet(keys.stats, 'queued'),
        redis.hVals(keys.executorNonces),
        redis.get(keys.executorPool),
        redis.sCard(keys.freeExecutors),
      ]);
      return {
        queued: Number(queued ?? 0),
        maxNonce: nonces.reduce((m, v) => Math.max(m, Number(v)), 0),
        busyExecutors: Math.max(0, Number(pooled ?? 0) - free),
      };
    },
  };
}
