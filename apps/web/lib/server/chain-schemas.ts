/**
 * API views of what the node reports (seed 002 shapes): Unix-second timestamps are kept as the
 * seed defines them; money in receipts is an exact decimal string; market statistics (revenue,
 * prices, utilisation) are the node's figures as numbers, not amounts blockops moves.
 */
import { z } from 'zod';
import { GATE_STATES } from '@blockops/domain';
import { amount, market, unixSeconds } from './api-schemas';

const count = () => z.number().int().nonnegative();
const figure = () => z.number().nonnegative();

export const gateSchema = z
  .object({ state: z.enum(GATE_STATES).describe('only Trade admits new operations'), reason: z.string() })
  .meta({ id: 'Gate' });

const marketStatus = z.enum(['healthy', 'degraded', 'idle', 'halted']);

export const marketStatsSchema = z.object({
  compute: z.object({
    status: marketStatus,
    active_jobs: count(),
    total_providers: count(),
    avg_utilization: figure(),
    total_revenue: figure(),
  }),
  storage: z.object({
    status: marketStatus,
    total_stored: figure(),
    total_providers: count(),
    avg_price: figure(),
    capacity_used: figure(),
  }),
  energy: z.object({
    status: marketStatus,
    total_credits: figure(),
    avg_price: figure(),
    active_traders: count(),
    trading_volume: figure(),
  }),
  ads: z.object({
    status: marketStatus,
    active_campaigns: count(),
    total_impressions: figure(),
    total_revenue: figure(),
    avg_cpm: figure(),
  }),
});

export const peerSchema = z
  .object({
    id: z.string(),
    address: z.string(),
    connected_at: unixSeconds,
    latency_ms: figure(),
    version: z.string(),
    is_validator: z.boolean(),
    reputation: z.number(),
  })
  .meta({ id: 'Peer' });

export const receiptSchema = z
  .object({
    id: z.string(),
    market,
    block_height: count(),
    timestamp: unixSeconds.describe('block time in Unix seconds, as the node and seed 002 define it'),
    provider: z.string(),
    consumer: z.string(),
    amount,
    units: figure(),
    subsidy: amount,
    status: z.string(),
    operation_id: z.string().nullable().describe('the blockops operation this receipt confirms, if any'),
    estimated_cost: amount.nullable(),
  })
  .meta({ id: 'Receipt' });
export type ReceiptView = z.output<typeof receiptSchema>;
