import type { GateState, Market, Units } from '@blockops/domain';
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
  nonce: number;
  destination: string;
  /** micro-token units */
  amount: Units;
  memo?: string;
  signature: string;
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
      balance: (o?: CallOptions) => t.read('treasury.balance', {}, s.treasuryBalanceSchema, o),
      submitDisbursement: async (p: DisbursementIntent, o?: CallOptions) =>
        t.write('treasury.submit_disbursement', withAmounts('treasury.submit_disbursement', p, 'amount'), s.disbursementResultSchema, o),
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
      setTreasury: async (p: { balance: Units }, o?: CallOptions) =>
        t.write('dev.set_treasury', withAmounts('dev.set_treasury', p, 'balance'), s.balanceOnlySchema, o),
      status: (o?: CallOptions) => t.write('dev.status', {}, s.devStatusSchema, o),
    },
    /** Raw batch: several calls in one HTTP request (results unvalidated unless a schema is given). */
    batch: t.batch,
  };
}
export type ChainClient = ReturnType<typeof createChainClient>;
