import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  MARKETS,
  asDecimal,
  formatUnits,
  pausesPoller,
  type AccountingReceipt,
  type AccountingState,
  type Market,
  type Units,
} from '@blockops/domain';
import type { ChainClient, Receipt } from '@blockops/chain';
import { ChainMismatchError, type AccountingStore, type OperationCharge, type OperationRecord } from '@blockops/accounts';
import type { LateConfirmation, PollResult, ReceiptActivities } from '@blockops/workflows/public';
import type { WorkerMetrics } from '../metrics';
import { classified } from './failure';
import { breachesOf, checkRisk, type EmergencyDeps, type RiskSnapshot } from './emergency';

export interface ReceiptDeps {
  chain: Pick<ChainClient, 'light' | 'receipt'>;
  store: Pick<
    AccountingStore,
    'checkpoint' | 'position' | 'applyBatch' | 'snapshot' | 'chainIdentity' | 'unannounced' | 'acknowledgeAnnounced'
  >;
  /** our account: receipts where it is the consumer are spends, where it is the provider earnings */
  account: string;
  metrics: WorkerMetrics;
  /** SHUTDOWN pauses the poller; risk limits are checked on every P&L update */
  risk: EmergencyDeps;
  /** ACCOUNTS_PREFIX, named in a chain-mismatch message */
  prefix?: string;
}

/** The risk view of the accounting: balance and position values at cost (what each market spent), in units. */
function riskSnapshotOf(state: AccountingState): RiskSnapshot {
  const positionValues = Object.fromEntries(MARKETS.map((m) => [m, state.positions[m].totalSpent])) as Record<Market, Units>;
  return { balance: state.balance, positionValues };
}

function toAccounting(r: Receipt, account: string): AccountingReceipt {
  return {
    id: r.id,
    market: r.market,
    blockHeight: r.block_height,
    timestamp: r.timestamp,
    direction: r.consumer === account ? 'spend' : 'earn',
    amount: r.amount,
    units: r.units,
    subsidy: r.subsidy,
  };
}

/**
 * Reads the receipts of whole blocks after the store's checkpoint (at most one batch, unless a
 * single block holds more) — a batch never ends inside a block, so the checkpoint is a height.
 */
async function fetchBatch(chain: ReceiptDeps['chain'], checkpoint: number, head: number, batchSize: number) {
  const first = await chain.receipt.audit({ from_height: checkpoint + 1, to_height: head, limit: batchSize, offset: 0 });
  let receipts = first.receipts;
  if (first.next_offset === null) return { receipts, toHeight: head, caughtUp: true };
  const lastHeight = receipts[receipts.length - 1]!.block_height;
  if (lastHeight > checkpoint + 1) {
    const toHeight = lastHeight - 1;
    receipts = receipts.filter((r) => r.block_height <= toHeight);
    return { receipts, toHeight, caughtUp: false };
  }
  // one block with more receipts than a batch: read all of it (same offsets: it is the range's first block)
  let offset: number | null = first.next_offset;
  while (offset !== null) {
    const page = await chain.receipt.audit({ from_height: checkpoint + 1, to_height: checkpoint + 1, limit: 1000, offset });
    receipts = receipts.concat(page.receipts);
    offset = page.next_offset;
  }
  return { receipts, toHeight: checkpoint + 1, caughtUp: checkpoint + 1 === head };
}

/** The running activity's context, or undefined when called directly (unit and store tests). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

const lateOf = (r: OperationRecord): LateConfirmation => ({
  operationId: r.operationId,
  market: r.market,
  blockHeight: r.blockHeight ?? 0,
  actualCost: formatUnits(r.actualCost ?? 0n),
  receiptId: r.receiptId ?? '',
  lateFrom: r.lateFrom ?? 'EXPIRED',
});

export function createReceiptActivities(deps: ReceiptDeps): ReceiptActivities {
  const { chain, store, account, metrics } = deps;
  const prefix = deps.prefix ?? '(this store)';

  /** The node must serve the chain the store belongs to: the check the apply script repeats atomically. */
  async function assertSameChain(nodeGenesis: string | undefined, recorded: string | undefined) {
    if (!nodeGenesis || !recorded || nodeGenesis === recorded) return;
    const mismatch = new ChainMismatchError(await store.chainIdentity(), { chainId: '', genesisHash: nodeGenesis }, prefix);
    throw ApplicationFailure.retryable(mismatch.message, 'ChainMismatch');
  }

  /** One batch after the checkpoint, applied; undefined when the head has not moved. */
  async function pollOnce(batchSize: number) {
    const { checkpoint, genesisHash } = await store.position();
    const header = await chain.light.latestHeader();
    await assertSameChain(header.genesis_hash, genesisHash);
    const head = header.height;
    metrics.pollerHead.set(head);
    if (head <= checkpoint) return { head, checkpoint };
    const batch = await fetchBatch(chain, checkpoint, head, batchSize);
    const ours = batch.receipts.filter((r) => r.consumer === account || r.provider === account);
    const accounted = ours.map((r) => toAccounting(r, account));
    const charges: OperationCharge[] = ours.flatMap((r, i) =>
      r.operation_id && accounted[i]!.direction === 'spend'
        ? [{ operationId: r.operation_id, receiptId: r.id, blockHeight: r.block_height, actualCost: r.amount }]
        : [],
    );
    // the balance before our receipts: the day's first update marks it as the day's start
    const before = ours.length > 0 ? (await store.snapshot()).state.balance : 0n;
    let res;
    try {
      res = await store.applyBatch({
        fromCheckpoint: checkpoint,
        toHeight: batch.toHeight,
        receipts: accounted,
        charges,
        genesisHash: header.genesis_hash,
      });
    } catch (err) {
      if (err instanceof ChainMismatchError) throw ApplicationFailure.retryable(err.message, 'ChainMismatch');
      throw err;
    }
    metrics.pollerCycles.inc();
    if (res.applied) {
      metrics.pollerReceipts.inc(batch.receipts.length);
      for (const r of batch.receipts) metrics.chainReceipts.inc({ market: r.market });
      for (const [i, r] of ours.entries()) metrics.accountingReceipts.inc({ market: r.market, direction: accounted[i]!.direction });
      for (const rec of res.lateConfirmed) metrics.lateConfirmations.inc({ market: rec.market, from: rec.lateFrom ?? 'EXPIRED' });
    }
    const breaches =
      res.applied && ours.length > 0 ? breachesOf(await checkRisk(deps.risk, before, riskSnapshotOf((await store.snapshot()).state))) : [];
    return { head, checkpoint, batch, ours, charges, res, breaches };
  }

  return {
    async pollReceipts({ batchSize, idleMaxMs = 0, pollIntervalMs = 1000, announced = [] }): Promise<PollResult> {
      const ctx = activityContext();
      const started = Date.now();
      try {
        return await classified(async () => {
          await store.acknowledgeAnnounced(announced);
          const result: PollResult = {
            applied: true,
            fromHeight: -1,
            toHeight: 0,
            head: 0,
            seen: 0,
            count: 0,
            caughtUp: true,
            confirmations: [],
            idleChecks: 0,
            pnl: { total: '0', byMarket: {}, balance: '0' },
          };
          let position = 0;
          // Poll until something of ours was applied or is to be announced, or the idle time is up:
          // an idle poller then writes one activity to history per idleMaxMs, not one per poll.
          for (;;) {
            ctx?.heartbeat();
            // SHUTDOWN: nothing is read or applied until RESUME; the checkpoint stays where it is
            const emergency = await deps.risk.emergency.status();
            if (pausesPoller(emergency.state)) {
              if (result.fromHeight >= 0) break; // report what this call applied; the next call reports the pause
              const checkpoint = await store.checkpoint();
              return {
                ...result,
                applied: false,
                paused: { state: emergency.state, reason: emergency.reason },
                fromHeight: checkpoint,
                toHeight: checkpoint,
                head: checkpoint,
              };
            }
            const step = await pollOnce(batchSize);
            result.head = step.head;
            position = step.checkpoint;
            if (!step.res) {
              result.caughtUp = true;
              result.idleChecks! += 1;
              metrics.pollerCycles.inc();
            } else if (!step.res.applied) {
              // a concurrent or earlier attempt applied this range; report what this call applied, if anything
              if (result.fromHeight < 0) result.applied = false;
              position = step.res.checkpoint;
              break;
            } else {
              const { summary } = step.res;
              if (result.fromHeight < 0) result.fromHeight = step.checkpoint;
              result.toHeight = position = step.res.checkpoint;
              result.seen += step.batch.receipts.length;
              result.count += step.ours.length;
              result.caughtUp = step.batch.caughtUp;
              result.pnl = asDecimal({ total: summary.total, byMarket: summary.byMarket, balance: summary.balance.current });
              for (const c of step.charges) result.confirmations.push({ ...c, actualCost: formatUnits(c.actualCost) });
              if (step.breaches.length) result.breaches = [...(result.breaches ?? []), ...step.breaches];
            }
            const late = await store.unannounced();
            if (late.length) result.late = late.map(lateOf);
            const somethingOurs = result.count > 0 || result.confirmations.length > 0 || late.length > 0;
            const left = idleMaxMs - (Date.now() - started);
            if (somethingOurs || left <= 0) break;
            if (step.res && !result.caughtUp) continue; // more blocks waiting: no pause
            const wait = Math.min(pollIntervalMs, left);
            await (ctx ? ctx.sleep(wait) : new Promise((r) => setTimeout(r, wait)));
          }
          if (result.fromHeight < 0) result.fromHeight = result.toHeight = position;
          return result;
        });
      } catch (err) {
        metrics.pollerErrors.inc({ reason: (err as { type?: string; name?: string }).type ?? (err as Error).name ?? 'error' });
        throw err;
      }
    },
  };
}
