import { formatUnits, type GateState, type Market, type Units } from '@blockops/domain';
import { amountParam } from './amounts';
import { ChainError } from './errors';
import * as s from './schemas';
import { createTransport, type CallOptions, type ChainClientOptions } from './transport';

export interface ReceiptAuditParams {
  from_height?: number;
  to_height?: number;
  market?: Market;
  /** 1–1000 */
  limit?: number;
  offset?: number;
}
export interface SubmitParams {
  /** idempotency key: resubmitting returns the first transaction */
  operation_id: string;
  account: string;
  /** micro-token units; sent as the JSON number the node takes */
  estimated_cost: Units;
  units?: number;
  details?: Record<string, unknown>;
}
export interface DisbursementIntent {
  disbursement_id: string;
  executor: string;
  /** rises per executor; the node is idempotent on (disbursement_id, executor, nonce) */
  nonce: number;
  destination: string;
  /** micro-token units; sent as its exact decimal string ("12.34"), which the treasury takes for any amount */
  amount: Units;
  /** at most 1,024 bytes */
  memo?: string;
  signature: string;
}
/** One disbursement's answer inside a batch: executed, or a classified error of that call alone. */
export type DisbursementOutcome = { ok: true; result: s.DisbursementResult } | { ok: false; error: ChainError };
export interface TreasuryPaymentsParams {
  disbursement_ids?: string[];
  executor?: string;
  offset?: number;
  /** 1–10,000 */
  limit?: number;
}
export interface FaultParams {
  method?: string;
  error_rate?: number;
  error_code?: number;
  latency_ms?: number;
  timeout_rate?: number;
}

/**
 * Amounts go to the node as JSON numbers (what it takes), only when the number is exactly the
 * amount; one it cannot carry is refused before anything is sent.
 */
function withAmounts<P extends object, K extends keyof P>(method: string, p: P, ...fields: K[]): Omit<P, K> & Record<K, number> {
  const out: Record<string, unknown> = { ...(p as Record<string, unknown>) };
  for (const f of fields) {
    try {
      out[f as string] = amountParam(p[f] as Units);
    } catch (err) {
      throw new ChainError(`${method}: ${String(f)}: ${(err as Error).message}`, {
        errorClass: 'cancelled',
        reason: 'invalid_params',
        method,
      });
    }
  }
  return out as Omit<P, K> & Record<K, number>;
}

/**
 * A disbursement's params: its amount as the exact decimal string. The treasury methods take decimal
 * strings (an intake amount may be up to 10^12 tokens, beyond what a JSON number carries exactly).
 */
const disbursementParams = (p: DisbursementIntent) => ({ ...p, amount: formatUnits(p.amount) });

/**
 * The typed client for The Block node: one function per JSON-RPC method, results validated with
 * zod, every failure a classified ChainError. Reads retry transient failures; writes never do.
 */
export function createChainClient(opts: ChainClientOptions) {
  const t = createTransport(opts);
  return {
    light: { latestHeader: (o?: CallOptions) => t.read('light.latest_header', {}, s.latestHeaderSchema, o) },
    chain: { id: (o?: CallOptions) => t.read('chain.id', {}, s.chainIdSchema, o) },
    net: {
      stats: (o?: CallOptions) => t.read('net.stats', {}, s.netStatsSchema, o),
      peers: (o?: CallOptions) => t.read('net.peers', {}, s.netPeersSchema, o),
    },
    receipt: {
      audit: (p: ReceiptAuditParams = {}, o?: CallOptions) => t.read('receipt.audit', p, s.receiptAuditSchema, o),
      /** Several receipt.audit pages in one HTTP request, each validated. */
      async auditPages(pages: ReceiptAuditParams[], o?: CallOptions): Promise<s.ReceiptAudit[]> {
        const results = await t.batch(
          pages.map((params) => ({ method: 'receipt.audit', params, schema: s.receiptAuditSchema })),
          o,
        );
        return results.map((r) => {
          if (!r.ok) throw r.error;
          return r.result as s.ReceiptAudit;
        });
      },
    },
    computeMarket: {
      stats: (o?: CallOptions) => t.read('compute_market.stats', {}, s.computeStatsSchema, o),
      submitJob: async (p: SubmitParams, o?: CallOptions) =>
        t.write('compute_market.submit_job', withAmounts('compute_market.submit_job', p, 'estimated_cost'), s.submitResultSchema, o),
    },
    storage: {
      stats: (o?: CallOptions) => t.read('storage.stats', {}, s.storageStatsSchema, o),
      put: async (p: SubmitParams, o?: CallOptions) =>
        t.write('storage.put', withAmounts('storage.put', p, 'estimated_cost'), s.submitResultSchema, o),
    },
    energy: {
      marketState: (o?: CallOptions) => t.read('energy.market_state', {}, s.energyStateSchema, o),
      trade: async (p: SubmitParams, o?: CallOptions) =>
        t.write('energy.trade', withAmounts('energy.trade', p, 'estimated_cost'), s.submitResultSchema, o),
    },
    adMarket: {
      stats: (o?: CallOptions) => t.read('ad_market.stats', {}, s.adStatsSchema, o),
      createCampaign: async (p: SubmitParams, o?: CallOptions) =>
        t.write('ad_market.create_campaign', withAmounts('ad_market.create_campaign', p, 'estimated_cost'), s.submitResultSchema, o),
    },
    governor: { status: (o?: CallOptions) => t.read('governor.status', {}, s.governorStatusSchema, o) },
    ledger: { balance: (p: { account: string }, o?: CallOptions) => t.read('ledger.balance', p, s.ledgerBalanceSchema, o) },
    treasury: {
      /** The balance and executors' last nonces; `executorPrefix`: only executors whose name starts with it. */
      balance: (p: { executorPrefix?: string } = {}, o?: CallOptions) =>
        t.read('treasury.balance', p.executorPrefix === undefined ? {} : { executor_prefix: p.executorPrefix }, s.treasuryBalanceSchema, o),
      submitDisbursement: (p: DisbursementIntent, o?: CallOptions) =>
        t.write('treasury.submit_disbursement', disbursementParams(p), s.disbursementResultSchema, o),
      /**
       * Several intents in one JSON-RPC batch (one HTTP request), answered per intent in order. A
       * failure of the whole request (timeout, refused, HTTP 5xx or 401) throws its ChainError:
       * then any intent may or may not have reached the node, and resending the same intents is safe.
       */
      async submitDisbursements(intents: DisbursementIntent[], o?: CallOptions): Promise<DisbursementOutcome[]> {
        const replies = await t.batch(
          intents.map((p) => ({
            method: 'treasury.submit_disbursement',
            params: disbursementParams(p),
            schema: s.disbursementResultSchema,
          })),
          o,
        );
        return replies.map((r) => (r.ok ? { ok: true, result: r.result as s.DisbursementResult } : r));
      },
    },
    tx: { status: (p: { operation_id: string }, o?: CallOptions) => t.read('tx.status', p, s.txStatusSchema, o) },
    /** Devnet-only development methods (tests and demos); a real node answers method not found. */
    dev: {
      mine: (p: { blocks?: number } = {}, o?: CallOptions) => t.write('dev.mine', p, s.heightSchema, o),
      credit: async (p: { account: string; amount: Units }, o?: CallOptions) =>
        t.write('dev.credit', withAmounts('dev.credit', p, 'amount'), s.ledgerBalanceSchema, o),
      setGate: (p: { market: Market; state: GateState; reason?: string }, o?: CallOptions) =>
        t.write('dev.set_gate', p, s.governorStatusSchema, o),
      setFault: (p: FaultParams, o?: CallOptions) => t.write('dev.set_fault', p, s.devFaultsSchema, o),
      clearFaults: (o?: CallOptions) => t.write('dev.clear_faults', {}, s.devFaultsSchema, o),
      outage: (p: { mode: 'http_503' | 'refuse'; duration_ms: number }, o?: CallOptions) => t.write('dev.outage', p, s.devOutageSchema, o),
      /** Sets the treasury balance (exact: sent as a decimal string). */
      setTreasury: (p: { balance: Units }, o?: CallOptions) =>
        t.write('dev.set_treasury', { balance: formatUnits(p.balance) }, s.balanceOnlySchema, o),
      /** The treasury's payment log in payment order (filter by ids or executor): "paid once" is counted here. */
      treasuryPayments: (p: TreasuryPaymentsParams = {}, o?: CallOptions) =>
        t.write('dev.treasury_payments', p, s.treasuryPaymentsSchema, o),
      /** Makes the node refuse a destination (invalid destination, -33003) with this reason. */
      rejectDestination: (p: { destination: string; reason?: string }, o?: CallOptions) =>
        t.write('dev.reject_destination', p, s.rejectedDestinationSchema, o),
      status: (o?: CallOptions) => t.write('dev.status', {}, s.devStatusSchema, o),
    },
    /** Raw batch: several calls in one HTTP request (results unvalidated unless a schema is given). */
    batch: t.batch,
  };
}
export type ChainClient = ReturnType<typeof createChainClient>;
