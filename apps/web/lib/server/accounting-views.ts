/**
 * API views of the accounting state (seed 000 shapes): amounts (bigint units inside) as exact decimal strings, receipt
 * times as the node gives them (Unix seconds), blockops' own times as ISO 8601.
 */
import { z } from 'zod';
import { MARKETS, formatUnits, type AccountingReceipt, type Market, type Units } from '@blockops/domain';
import type { AccountingStore } from '@blockops/accounts';
import { amount, byMarket, isoTime, market, unixSeconds } from './api-schemas';

export const positionSchema = z
  .object({
    totalSpent: amount,
    totalEarned: amount,
    unitsConsumed: z.number().nonnegative().describe('compute units, bytes, kWh or impressions'),
    subsidies: amount,
    receipts: z.number().int().nonnegative(),
    pnl: amount,
    avgCostPerUnit: amount.describe('totalSpent / unitsConsumed, rounded half up to the micro-token'),
  })
  .meta({ id: 'Position' });

export const transactionSchema = z
  .object({
    id: z.string().describe('receipt id'),
    market,
    blockHeight: z.number().int().nonnegative(),
    timestamp: unixSeconds.describe("the receipt's block time in Unix seconds, as the node gives it"),
    direction: z.enum(['spend', 'earn']).describe('spend: we were the consumer; earn: the provider'),
    amount,
    units: z.number().nonnegative().optional(),
    subsidy: amount.optional(),
  })
  .meta({ id: 'Transaction' });

export const balanceSchema = z.object({ starting: amount, current: amount });

export const seriesPointSchema = z
  .object({
    t: isoTime.describe('when the batch was applied'),
    height: z.number().int().nonnegative().describe('the checkpoint after the batch'),
    total: amount,
    byMarket: byMarket(amount),
    balance: amount,
  })
  .meta({ id: 'PnlPoint' });

export type SeriesPointView = z.output<typeof seriesPointSchema>;
export type PositionView = z.output<typeof positionSchema>;
export type TransactionView = z.output<typeof transactionSchema>;

type Summary = Awaited<ReturnType<AccountingStore['summary']>>;
type SeriesPoint = Awaited<ReturnType<AccountingStore['series']>>[number];

const marketAmounts = (m: Record<Market, Units>) =>
  Object.fromEntries(MARKETS.map((k) => [k, formatUnits(m[k])])) as Record<Market, string>;

export function summaryView(s: Summary) {
  return {
    total: formatUnits(s.total),
    byMarket: marketAmounts(s.byMarket),
    balance: { starting: formatUnits(s.balance.starting), current: formatUnits(s.balance.current) },
    receiptsProcessed: s.receiptsProcessed,
    checkpoint: s.checkpoint,
    positions: Object.fromEntries(
      MARKETS.map((m) => {
        const p = s.positions[m];
        return [
          m,
          {
            totalSpent: formatUnits(p.totalSpent),
            totalEarned: formatUnits(p.totalEarned),
            unitsConsumed: p.unitsConsumed,
            subsidies: formatUnits(p.subsidies),
            receipts: p.receipts,
            pnl: formatUnits(p.pnl),
            avgCostPerUnit: formatUnits(p.avgCostPerUnit),
          },
        ];
      }),
    ) as Record<Market, z.input<typeof positionSchema>>,
  };
}

export function transactionView(r: AccountingReceipt): z.input<typeof transactionSchema> {
  const { subsidy, ...rest } = r;
  return { ...rest, amount: formatUnits(r.amount), ...(subsidy === undefined ? {} : { subsidy: formatUnits(subsidy) }) };
}

export const seriesPointView = (p: SeriesPoint): z.input<typeof seriesPointSchema> => ({
  t: new Date(p.t).toISOString(),
  height: p.height,
  total: formatUnits(p.total),
  byMarket: marketAmounts(p.byMarket),
  balance: formatUnits(p.balance),
});
