import {
  MARKETS,
  applyReceipts,
  pnlSummary,
  receiptAmountProblem,
  type AccountingReceipt,
  type AccountingState,
  type PnlSummary,
} from '@blockops/domain';
import { integerIn } from './checks';
import { encodePoint, encodeReceipt, encodeState, type SeriesPoint } from './codec';
import {
  decodeRecord,
  encodeCharge,
  encodeRecord,
  isUnchargedEnd,
  lateConfirmation,
  type OperationCharge,
  type OperationRecord,
} from './operation-records';

export interface ReceiptBatch {
  /** the checkpoint this batch was read after; the batch applies only while the store is still there */
  fromCheckpoint: number;
  /** the height the checkpoint moves to: the batch holds every receipt of blocks fromCheckpoint+1..toHeight */
  toHeight: number;
  receipts: AccountingReceipt[];
  /** the chain the receipts were read from: the batch is refused if the store belongs to another */
  genesisHash?: string;
  /** what the batch's receipts charged for our operations (spend receipts that name an operation id) */
  charges?: OperationCharge[];
}

export interface CheckedBatch extends ReceiptBatch {
  /** the receipts to apply: duplicate ids within the batch count once */
  receipts: AccountingReceipt[];
  charges: OperationCharge[];
  /** per receipt: market index 1–4, receipt JSON with integer unit strings (the apply script's ARGV tail) */
  receiptArgs: string[];
}

export interface PreparedBatch {
  next: AccountingState;
  summary: PnlSummary;
  /** the apply script's ARGV */
  args: string[];
}

const marketIndex = new Map<string, number>(MARKETS.map((m, i) => [m, i + 1]));

/**
 * Validates a batch whatever the store's state, so a bad batch always throws. A receipt must lie
 * in (fromCheckpoint, toHeight]: that is what makes the checkpoint CAS a guarantee that no receipt
 * is applied twice.
 */
export function checkBatch(batch: ReceiptBatch): CheckedBatch {
  integerIn('fromCheckpoint', batch.fromCheckpoint, 0, Number.MAX_SAFE_INTEGER);
  integerIn('toHeight', batch.toHeight, 0, Number.MAX_SAFE_INTEGER);
  if (batch.toHeight < batch.fromCheckpoint)
    throw new RangeError(`toHeight must be ≥ fromCheckpoint (${batch.fromCheckpoint}), got ${batch.toHeight}`);
  if (!Array.isArray(batch.receipts)) throw new RangeError('receipts must be an array');
  const seen = new Set<string>();
  const receipts: AccountingReceipt[] = [];
  const receiptArgs: string[] = [];
  batch.receipts.forEach((r, i) => {
    if (typeof r.id !== 'string' || r.id === '') throw new RangeError(`receipts[${i}].id must be a non-empty string`);
    const m = marketIndex.get(r.market);
    if (m === undefined) throw new RangeError(`receipts[${i}].market must be one of ${MARKETS.join(', ')} (got ${String(r.market)})`);
    if (!(Number.isInteger(r.blockHeight) && r.blockHeight > batch.fromCheckpoint && r.blockHeight <= batch.toHeight)) {
      throw new RangeError(
        `receipts[${i}].blockHeight must be in (fromCheckpoint, toHeight] = (${batch.fromCheckpoint}, ${batch.toHeight}] (got ${r.blockHeight})`,
      );
    }
    if (r.direction !== 'spend' && r.direction !== 'earn')
      throw new RangeError(`receipts[${i}].direction must be spend or earn (got ${String(r.direction)})`);
    const badAmount = receiptAmountProblem(r.amount);
    if (badAmount) throw new RangeError(`receipts[${i}].amount ${badAmount}`);
    const badSubsidy = r.subsidy === undefined ? undefined : receiptAmountProblem(r.subsidy);
    if (badSubsidy) throw new RangeError(`receipts[${i}].subsidy ${badSubsidy}`);
    if (r.units !== undefined && !(Number.isFinite(r.units) && r.units >= 0))
      throw new RangeError(`receipts[${i}].units must be a finite number ≥ 0 (got ${r.units})`);
    if (seen.has(r.id)) return;
    seen.add(r.id);
    receipts.push(r);
    receiptArgs.push(String(m), encodeReceipt(r));
  });
  if (batch.genesisHash !== undefined && (typeof batch.genesisHash !== 'string' || batch.genesisHash === ''))
    throw new RangeError('genesisHash must be a non-empty string when given');
  const charged = new Set<string>();
  const charges: OperationCharge[] = [];
  (batch.charges ?? []).forEach((c, i) => {
    if (typeof c.operationId !== 'string' || c.operationId === '')
      throw new RangeError(`charges[${i}].operationId must be a non-empty string`);
    if (!seen.has(c.receiptId))
      throw new RangeError(`charges[${i}].receiptId must be a receipt of this batch (got ${String(c.receiptId)})`);
    if (!(Number.isInteger(c.blockHeight) && c.blockHeight > batch.fromCheckpoint && c.blockHeight <= batch.toHeight))
      throw new RangeError(`charges[${i}].blockHeight must be in (${batch.fromCheckpoint}, ${batch.toHeight}] (got ${c.blockHeight})`);
    const badCost = receiptAmountProblem(c.actualCost);
    if (badCost) throw new RangeError(`charges[${i}].actualCost ${badCost}`);
    if (charged.has(c.operationId)) return;
    charged.add(c.operationId);
    charges.push(c);
  });
  return {
    fromCheckpoint: batch.fromCheckpoint,
    toHeight: batch.toHeight,
    genesisHash: batch.genesisHash,
    receipts,
    charges,
    receiptArgs,
  };
}

/**
 * The apply script's per-operation arguments: each charge, and for an operation that had already
 * ended uncharged (EXPIRED, FAILED, REJECTED) its late confirmation. `records` are the records as
 * read just before (raw JSON, '' when absent): the script refuses if any changed since.
 */
export function prepareCharges(
  charges: OperationCharge[],
  records: Map<string, string>,
  now: number,
): { args: string[]; late: OperationRecord[] } {
  const args: string[] = [];
  const late: OperationRecord[] = [];
  for (const c of charges) {
    const raw = records.get(c.operationId) ?? '';
    const current = raw ? decodeRecord(raw, 'operation record') : undefined;
    const after = current && isUnchargedEnd(current.status) ? lateConfirmation({ ...current, status: current.status }, c, now) : undefined;
    if (after) late.push(after);
    args.push(c.operationId, encodeCharge(c), raw, after ? encodeRecord(after) : '', current?.status ?? '');
  }
  return { args, late };
}

/** The state after the batch, computed in Node with the domain functions (bigint, exact); the script only stores it. */
export function prepareBatch(
  state: AccountingState,
  batch: CheckedBatch,
  opts: { historyMaxLen: number; seriesMaxLen: number; now: number },
): PreparedBatch {
  const next = applyReceipts(state, batch.receipts);
  const summary = pnlSummary(next);
  const point: SeriesPoint | undefined = batch.receipts.length
    ? { t: opts.now, height: batch.toHeight, total: summary.total, byMarket: summary.byMarket, balance: next.balance }
    : undefined;
  const head = [
    String(batch.fromCheckpoint),
    String(batch.toHeight),
    next.balance.toString(),
    encodeState(next),
    String(opts.historyMaxLen),
    String(opts.seriesMaxLen),
    point ? encodePoint(point) : '',
    batch.genesisHash ?? '',
    String(opts.now),
    String(batch.receipts.length),
  ];
  return { next, summary, args: head.concat(batch.receiptArgs) };
}
