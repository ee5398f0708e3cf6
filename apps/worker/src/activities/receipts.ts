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
import type { AccountingStore } from '@blockops/accounts';
import type { Confirmation, PollResult, ReceiptActivities } from '@blockops/workflows/public';
import type { WorkerMetrics } from '../metrics';
import { classified } from './failure';
import { breachesOf, checkRisk, type EmergencyDeps, type RiskSnapshot } from './emergency';

export interface ReceiptDeps {
  chain: Pick<ChainClient, 'light' | 'receipt'>;
  store: Pick<AccountingStore, 'checkpoint' | 'applyBatch' | 'snapshot'>;
  /** our account: receipts where it is the consumer are spends, where it is the provider earnings */
  account: string;
  metrics: WorkerMetrics;
  /** SHUTDOWN pauses the poller; risk limits are checked on every P&L update */
  risk: EmergencyDeps;
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

export function createReceiptActivities(deps: ReceiptDeps): ReceiptActivities {
  const { chain, store, account, metrics } = deps;
  return {
    async pollReceipts({ batchSize }): Promise<PollResult> {
      try {
        return await classified(async () => {
          const emergency = await deps.risk.emergency.status();
          const checkpoint = await store.checkpoint();
          if (pausesPoller(emergency.state)) {
            // SHUTDOWN: nothing is read or applied until RESUME; the checkpoint stays where it is
            return {
              applied: false,
              paused: { state: emergency.state, reason: emergency.reason },
              fromHeight: checkpoint,
              toHeight: checkpoint,
              head: checkpoint,
              seen: 0,
              count: 0,
              caughtUp: true,
              confirmations: [],
              pnl: { total: '0', byMarket: {}, balance: '0' },
            };
          }
          const head = (await chain.light.latestHeader()).height;
          metrics.pollerHead.set(head);
          const none = { fromHeight: checkpoint, toHeight: checkpoint, head, seen: 0, count: 0, confirmations: [] };
          if (head <= checkpoint) {
            metrics.pollerCycles.inc();
            return { ...none, applied: true, caughtUp: true, pnl: { total: '0', byMarket: {}, balance: '0' } };
          }
          const batch = await fetchBatch(chain, checkpoint, head, batchSize);
          const ours = batch.receipts.filter((r) => r.consumer === account || r.provider === account);
          const accounted = ours.map((r) => toAccounting(r, account));
          // the balance before our receipts: the day's first update marks it as the day's start
          const before = ours.length > 0 ? (await store.snapshot()).state.balance : 0n;
          const res = await store.applyBatch({ fromCheckpoint: checkpoint, toHeight: batch.toHeight, receipts: accounted });
          metrics.pollerCycles.inc();
          const confirmations: Confirmation[] = [];
          if (res.applied) {
            metrics.pollerReceipts.inc(batch.receipts.length);
            for (const r of batch.receipts) metrics.chainReceipts.inc({ market: r.market });
            for (const [i, r] of ours.entries()) {
              const { direction } = accounted[i]!;
              metrics.accountingReceipts.inc({ market: r.market, direction });
              if (r.operation_id && direction === 'spend') {
                confirmations.push({
                  operationId: r.operation_id,
                  blockHeight: r.block_height,
                  actualCost: formatUnits(r.amount),
                  receiptId: r.id,
                });
              }
            }
          }
          const breaches =
            res.applied && ours.length > 0
              ? breachesOf(await checkRisk(deps.risk, before, riskSnapshotOf((await store.snapshot()).state)))
              : [];
          return {
            ...(breaches.length ? { breaches } : {}),
            applied: res.applied,
            fromHeight: checkpoint,
            toHeight: res.checkpoint,
            head,
            seen: batch.receipts.length,
            count: res.applied ? ours.length : 0,
            caughtUp: batch.caughtUp,
            confirmations,
            pnl: asDecimal({ total: res.summary.total, byMarket: res.summary.byMarket, balance: res.summary.balance.current }),
          };
        });
      } catch (err) {
        metrics.pollerErrors.inc({ reason: (err as { type?: string; name?: string }).type ?? (err as Error).name ?? 'error' });
        throw err;
      }
    },
  };
}
