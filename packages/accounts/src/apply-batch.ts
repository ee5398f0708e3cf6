import { MARKETS, applyReceipts, pnlSummary, type AccountingReceipt, type AccountingState, type Market, type PnlSummary } from '@blockops/domain';
import { integerIn } from './checks';

export interface ReceiptBatch {
  /** the checkpoint this batch was read after; the batch applies only while the store is still there */
  fromCheckpoint: number;
  /** the height the checkpoint moves to: the batch holds every receipt of blocks fromCheckpoint+1..toHeight */
  toHeight: number;
  receipts: AccountingReceipt[];
}

export interface SeriesPoint {
  /** ms since the epoch */
  t: number;
  height: number;
  total: number;
  byMarket: Record<Market, number>;
  balance: number;
}

export interface PreparedBatch {
  next: AccountingState;
  summary: PnlSummary;
  /** the receipts applied: duplicate ids within the batch count once */
  receipts: AccountingReceipt[];
  /** the apply script's ARGV */
  args: string[];
}

const marketIndex = new Map<string, number>(MARKETS.map((m, i) => [m, i + 1]));

export function checkBatchHeights(batch: ReceiptBatch): void {
  integerIn('fromCheckpoint', batch.fromCheckpoint, 0, Number.MAX_SAFE_INTEGER);
  integerIn('toHeight', batch.toHeight, 0, Number.MAX_SAFE_INTEGER);
  if (batch.toHeight < batch.fromCheckpoint) throw new RangeError(`toHeight must be ≥ fromCheckpoint (${batch.fromCheckpoint}), got ${batch.toHeight}`);
}

/**
 * Validates the batch and computes the state after it, in Node with the domain functions; the
 * script only stores the result. A receipt must lie in (fromCheckpoint, toHeight]: that is what
 * makes the checkpoint CAS a guarantee that no receipt is applied twice.
 */
export function prepareBatch(state: AccountingState, batch: ReceiptBatch, opts: { historyMaxLen: number; seriesMaxLen: number; now: number }): PreparedBatch {
  const seen = new Set<string>();
  const receipts: AccountingReceipt[] = [];
  const args = ['', '', '', '', String(opts.historyMaxLen), String(opts.seriesMaxLen), ''];
  batch.receipts.forEach((r, i) => {
    if (typeof r.id !== 'string' || r.id === '') throw new RangeError(`receipts[${i}].id must be a non-empty string`);
    const m = marketIndex.get(r.market);
    if (m === undefined) throw new RangeError(`receipts[${i}].market must be one of ${MARKETS.join(', ')} (got ${String(r.market)})`);
    if (!(r.blockHeight > batch.fromCheckpoint && r.blockHeight <= batch.toHeight)) {
      throw new RangeError(`receipts[${i}].blockHeight must be in (fromCheckpoint, toHeight] = (${batch.fromCheckpoint}, ${batch.toHeight}] (got ${r.blockHeight})`);
    }
    if (seen.has(r.id)) return;
    seen.add(r.id);
    receipts.push(r);
    args.push(String(m), JSON.stringify(r));
  });
  const next = applyReceipts(state, receipts);
  const summary = pnlSummary(next);
  const point: SeriesPoint | undefined = receipts.length
    ? { t: opts.now, height: batch.toHeight, total: summary.total, byMarket: summary.byMarket, balance: next.balance }
    : undefined;
  args[0] = String(batch.fromCheckpoint);
  args[1] = String(batch.toHeight);
  args[2] = String(next.balance);
  args[3] = JSON.stringify(next);
  args[6] = point ? JSON.stringify(point) : '';
  return { next, summary, receipts, args };
}
