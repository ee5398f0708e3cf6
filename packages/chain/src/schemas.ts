import { z } from 'zod';
import { GATE_STATES, MARKETS } from '@blockops/domain';
import { nodeAmount } from './amounts';

const market = z.enum(MARKETS);
const gateState = z.enum(GATE_STATES);
const marketStatus = z.enum(['healthy', 'degraded', 'idle', 'halted']);
const nn = () => z.number().nonnegative();
const int = () => z.number().int().nonnegative();
/** Money: a JSON number or decimal string from the node, bigint micro-token units once checked (amounts.ts). */
const amount = () => nodeAmount();
const balance = () => nodeAmount({ allowNegative: true });

export const latestHeaderSchema = z.object({
  height: int(),
  hash: z.string(),
  timestamp: z.number(),
  finality_time: nn(),
  /** the chain this header belongs to (the devnet sends it; a node that does not is checked at start only) */
  genesis_hash: z.string().min(1).optional(),
});
/** `chain.id`: which chain the node serves. Accounting records it and refuses state of another chain. */
export const chainIdSchema = z.object({ chain_id: z.string().min(1), genesis_hash: z.string().min(1), genesis_timestamp: z.number() });
export const netStatsSchema = z.object({
  peer_count: int(),
  tps: nn(),
  bandwidth_in: nn(),
  bandwidth_out: nn(),
  active_connections: int(),
});
export const peerSchema = z.object({
  id: z.string(),
  address: z.string(),
  connected_at: z.number(),
  latency_ms: nn(),
  version: z.string(),
  is_validator: z.boolean(),
  reputation: z.number(),
});
export const netPeersSchema = z.object({ peers: z.array(peerSchema) });

export const receiptSchema = z.object({
  id: z.string(),
  market,
  block_height: int(),
  timestamp: z.number(),
  provider: z.string(),
  consumer: z.string(),
  amount: amount(),
  units: nn(),
  subsidy: amount(),
  status: z.string(),
  operation_id: z.string().nullable(),
  estimated_cost: amount().nullable(),
});
export const receiptAuditSchema = z.object({
  receipts: z.array(receiptSchema),
  total: int(),
  limit: int(),
  offset: int(),
  to_height: int(),
  next_offset: int().nullable(),
});

export const computeStatsSchema = z.object({
  status: marketStatus,
  active_jobs: int(),
  total_providers: int(),
  avg_utilization: nn(),
  total_revenue: nn(),
});
export const storageStatsSchema = z.object({
  status: marketStatus,
  total_stored: nn(),
  total_providers: int(),
  avg_price: nn(),
  capacity_used: nn(),
});
export const energyStateSchema = z.object({
  status: marketStatus,
  total_credits: nn(),
  avg_price: nn(),
  active_traders: int(),
  trading_volume: nn(),
});
export const adStatsSchema = z.object({
  status: marketStatus,
  active_campaigns: int(),
  total_impressions: nn(),
  total_revenue: nn(),
  avg_cpm: nn(),
});

const gate = z.object({ state: gateState, reason: z.string() });
export const governorStatusSchema = z.object({ gates: z.object({ compute: gate, storage: gate, energy: gate, ad: gate }) });
export const ledgerBalanceSchema = z.object({ account: z.string(), balance: balance() });
export const submitResultSchema = z.object({
  tx_hash: z.string(),
  operation_id: z.string(),
  status: z.enum(['pending', 'confirmed']),
  submitted_height: int(),
});
export const txStatusSchema = z.object({
  operation_id: z.string(),
  tx_hash: z.string().optional(),
  status: z.enum(['pending', 'confirmed', 'unknown']),
  block_height: int().nullable().optional(),
  receipt_id: z.string().nullable().optional(),
  actual_cost: amount().nullable().optional(),
});
/** The data of an insufficient-balance refusal (-33001): what was asked and what there is. */
export const insufficientBalanceDataSchema = z.object({ need: amount(), available: balance() });
/** Error data checked (and its amounts converted) per JSON-RPC code; other codes' data is passed on as sent. */
export const errorDataSchemas: Partial<Record<number, z.ZodType>> = { [-33001]: insufficientBalanceDataSchema };
export const treasuryBalanceSchema = z.object({ balance: amount(), nonces: z.record(z.string(), z.number()) });
export const disbursementResultSchema = z.object({
  tx_hash: z.string(),
  disbursement_id: z.string(),
  nonce: int(),
  block_height: int(),
  status: z.literal('executed'),
});

const faultSchema = z.object({
  error_rate: nn(),
  error_code: z.number(),
  latency_ms: nn(),
  timeout_rate: nn(),
  /** calls the fault has hit so far (an error, a timeout or added latency) */
  injected: int(),
});
const outageSchema = z.object({ mode: z.enum(['http_503', 'refuse']), until_ms: z.number() });
export const devStatusSchema = z.object({
  height: int(),
  seed: z.number(),
  chain_id: z.string(),
  faults: z.record(z.string(), faultSchema),
  gates: governorStatusSchema.shape.gates,
  outage: outageSchema.nullable(),
  /** HTTP requests the node received since it started */
  http_requests: int(),
  /** JSON-RPC calls received by method (also those an http_503 outage refused) */
  calls: z.record(z.string(), int()),
});
export const devFaultsSchema = z.record(z.string(), faultSchema);
export const devOutageSchema = outageSchema;
export const heightSchema = z.object({ height: int() });
export const balanceOnlySchema = z.object({ balance: amount() });
export const treasuryPaymentSchema = z.object({
  seq: int(),
  disbursement_id: z.string(),
  executor: z.string(),
  nonce: int(),
  destination: z.string(),
  amount: amount(),
  tx_hash: z.string(),
  block_height: int(),
});
export const treasuryPaymentsSchema = z.object({
  payments: z.array(treasuryPaymentSchema),
  total: int(),
  total_paid: amount(),
  next_offset: int().nullable(),
});
export const rejectedDestinationSchema = z.object({ destination: z.string(), reason: z.string() });

export type Receipt = z.infer<typeof receiptSchema>;
export type ReceiptAudit = z.infer<typeof receiptAuditSchema>;
export type LatestHeader = z.infer<typeof latestHeaderSchema>;
export type ChainIdentity = z.infer<typeof chainIdSchema>;
export type NetStats = z.infer<typeof netStatsSchema>;
export type Peer = z.infer<typeof peerSchema>;
export type GovernorStatus = z.infer<typeof governorStatusSchema>;
export type TxStatus = z.infer<typeof txStatusSchema>;
export type SubmitResult = z.infer<typeof submitResultSchema>;
export type DisbursementResult = z.infer<typeof disbursementResultSchema>;
export type DevStatus = z.infer<typeof devStatusSchema>;
export type TreasuryBalance = z.infer<typeof treasuryBalanceSchema>;
export type TreasuryPayment = z.infer<typeof treasuryPaymentSchema>;
export type TreasuryPayments = z.infer<typeof treasuryPaymentsSchema>;
