import { z } from 'zod';
import { formatUnits } from '@blockops/domain';
import { amount, byMarket, isoTime } from '@/lib/server/api-schemas';
import { balanceSchema, positionSchema, summaryView, transactionSchema, transactionView } from '@/lib/server/accounting-views';
import { endpoint, routeMethods } from '@/lib/server/endpoint';

export const dynamic = 'force-dynamic';

const pnlSchema = z.object({
  total: amount.describe('balance − starting balance'),
  byMarket: byMarket(amount),
  balance: balanceSchema,
  receiptsProcessed: z.number().int().nonnegative(),
  checkpoint: z.number().int().nonnegative().describe('last block height applied'),
  positions: byMarket(positionSchema),
  available: amount.describe('balance − reserved'),
  reserved: amount.describe('held for operations waiting for their receipt'),
  transactions: z.array(transactionSchema).describe('our 20 most recent receipts, newest first'),
  timestamp: isoTime,
});

/** P&L summary (seed 000): balance, positions per market, available after reservations, recent transactions. */
const getPnl = endpoint({
  method: 'GET',
  path: '/api/pnl',
  operationId: 'getPnl',
  summary: 'P&L: balance, positions per market, available and reserved funds, recent transactions',
  tags: ['accounting'],
  access: 'viewer',
  responses: { 200: { description: 'the P&L summary', schema: pnlSchema } },
}).handle(async ({ services }) => {
  const { store } = services;
  const [summary, available, reserved, recent] = await Promise.all([
    store.summary(),
    store.available(),
    store.reserved(),
    store.history({ limit: 20, offset: 0 }),
  ]);
  return {
    status: 200,
    body: {
      ...summaryView(summary),
      available: formatUnits(available),
      reserved: formatUnits(reserved),
      transactions: recent.items.map(transactionView),
      timestamp: new Date().toISOString(),
    },
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getPnl);
