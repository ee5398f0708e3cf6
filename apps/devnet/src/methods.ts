import { z } from 'zod';
import { GATE_STATES, MARKETS, cents, type ChainState, type Market } from './chain-state';
import { RPC, RpcError } from './rpc-errors';
import type { Faults } from './faults';
import { obj, parse } from './params';
import { marketStats } from './market-stats';
import { createTreasuryDevMethods, createTreasuryMethods } from './treasury';

type Handler = (params: unknown) => unknown;

const market = z.enum(MARKETS);
const submitParams = obj({
  operation_id: z.string().min(1).max(128),
  account: z.string().min(1).max(128),
  estimated_cost: z.number().nonnegative().max(1e12),
  units: z.number().int().nonnegative().max(1e12).default(1),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** What dev.outage needs from the HTTP server. */
export interface OutageControl {
  start(mode: 'http_503' | 'refuse', durationMs: number): { mode: string; until_ms: number };
  status(): { mode: string; until_ms: number } | null;
}

/** Injectable JSON-RPC error codes: transient, cancelled-class and storage-class ranges. */
const injectableCode = z
  .number()
  .int()
  .refine(
    (c) => (c <= -32000 && c >= -32099) || (c <= -33001 && c >= -33999) || (c <= -34001 && c >= -34999),
    'must be in -32000…-32099, -33001…-33999 or -34001…-34999',
  );

/** What the node has received since it started: HTTP requests and JSON-RPC calls by method. */
export type RequestCounts = () => { http_requests: number; calls: Record<string, number> };

export function createMethods(chain: ChainState, faults: Faults, outage: OutageControl, counts: RequestCounts): Record<string, Handler> {
  const submit = (m: Market) => (params: unknown) => {
    const p = parse(submitParams, params);
    const existing = chain.operations.get(p.operation_id);
    if (existing)
      return {
        tx_hash: existing.tx_hash,
        operation_id: p.operation_id,
        status: existing.status,
        submitted_height: existing.submitted_height,
      };
    const gate = chain.gates[m];
    if (gate.state !== 'Trade')
      throw new RpcError(RPC.GATE_CLOSED, `gate closed: ${m} is ${gate.state} (${gate.reason})`, {
        market: m,
        state: gate.state,
        reason: gate.reason,
      });
    if (chain.balanceOf(p.account) < p.estimated_cost) {
      throw new RpcError(RPC.INSUFFICIENT_BALANCE, `insufficient balance: need ${p.estimated_cost}, have ${chain.balanceOf(p.account)}`, {
        need: p.estimated_cost,
        available: chain.balanceOf(p.account),
      });
    }
    const tx_hash = `0xtx${Buffer.from(p.operation_id).toString('hex').slice(0, 60)}`;
    chain.operations.set(p.operation_id, {
      operation_id: p.operation_id,
      tx_hash,
      market: m,
      account: p.account,
      estimated_cost: p.estimated_cost,
      units: p.units,
      submitted_height: chain.height,
      confirm_height: chain.height + chain.opts.confirmBlocks,
      status: 'pending',
    });
    chain.changed();
    return { tx_hash, operation_id: p.operation_id, status: 'pending', submitted_height: chain.height };
  };

  return {
    'light.latest_header': () => ({
      height: chain.height,
      hash: chain.hashOf(chain.height),
      timestamp: chain.timestampOf(chain.height),
      finality_time: 6,
      genesis_hash: chain.genesisHash,
    }),
    'chain.id': () => ({ chain_id: chain.chainId, genesis_hash: chain.genesisHash, genesis_timestamp: chain.timestampOf(0) }),
    'net.stats': () => ({ peer_count: 23, tps: 145.7, bandwidth_in: 1_024_000, bandwidth_out: 512_000, active_connections: 23 }),
    'net.peers': () => ({
      peers: Array.from({ length: 23 }, (_, i) => ({
        id: `peer_${i}`,
        address: `10.0.0.${i + 1}:8000`,
        connected_at: chain.timestampOf(0),
        latency_ms: 20 + ((i * 7) % 60),
        version: 'v1.2.0',
        is_validator: i < 7,
        reputation: 80 + (i % 20),
      })),
    }),
    'governor.status': () => ({ gates: chain.gates }),
    'ledger.balance': (params) => {
      const p = parse(obj({ account: z.string().min(1).max(128) }), params);
      return { account: p.account, balance: chain.balanceOf(p.account) };
    },
    'receipt.audit': (params) => {
      const p = parse(
        obj({
          from_height: z.number().int().nonnegative().default(0),
          to_height: z.number().int().nonnegative().optional(),
          market: market.optional(),
          limit: z.number().int().min(1).max(1000, 'must be at most 1000').default(100),
          offset: z.number().int().nonnegative().default(0),
        }),
        params,
      );
      const to = p.to_height ?? chain.height;
      // receipts are appended in (height, id) order, so a filter keeps a stable order
      const all = chain.receiptRange(p.from_height, to, p.market);
      const receipts = all.slice(p.offset, p.offset + p.limit);
      return {
        receipts,
        total: all.length,
        limit: p.limit,
        offset: p.offset,
        to_height: to,
        next_offset: p.offset + receipts.length < all.length ? p.offset + receipts.length : null,
      };
    },
    'compute_market.stats': () => marketStats(chain, 'compute'),
    'storage.stats': () => marketStats(chain, 'storage'),
    'energy.market_state': () => marketStats(chain, 'energy'),
    'ad_market.stats': () => marketStats(chain, 'ad'),
    ...createTreasuryMethods(chain),
    'compute_market.submit_job': submit('compute'),
    'storage.put': submit('storage'),
    'energy.trade': submit('energy'),
    'ad_market.create_campaign': submit('ad'),
    'tx.status': (params) => {
      const p = parse(obj({ operation_id: z.string().min(1).max(128) }), params);
      const op = chain.operations.get(p.operation_id);
      if (!op) return { operation_id: p.operation_id, status: 'unknown' };
      return {
        operation_id: op.operation_id,
        tx_hash: op.tx_hash,
        status: op.status,
        block_height: op.block_height ?? null,
        receipt_id: op.receipt_id ?? null,
        actual_cost: op.actual_cost ?? null,
      };
    },
    'dev.mine': (params) => {
      const p = parse(obj({ blocks: z.number().int().min(1).max(10_000).default(1) }), params);
      chain.mine(p.blocks);
      return { height: chain.height };
    },
    'dev.set_gate': (params) => {
      const p = parse(obj({ market, state: z.enum(GATE_STATES), reason: z.string().max(500).default('set by dev.set_gate') }), params);
      chain.gates[p.market] = { state: p.state, reason: p.reason };
      chain.changed();
      return { gates: chain.gates };
    },
    'dev.credit': (params) => {
      const p = parse(obj({ account: z.string().min(1).max(128), amount: z.number().positive().max(1e15) }), params);
      chain.balances[p.account] = cents(chain.balanceOf(p.account) + p.amount);
      chain.changed();
      return { account: p.account, balance: chain.balances[p.account] };
    },
    'dev.set_fault': (params) => {
      const p = parse(
        obj({
          method: z.string().min(1).max(100).default('*'),
          error_rate: z.number().min(0).max(1).default(0),
          error_code: injectableCode.default(RPC.UNAVAILABLE),
          latency_ms: z.number().int().min(0).max(60_000).default(0),
          timeout_rate: z.number().min(0).max(1).default(0),
        }),
        params,
      );
      faults.set(p.method, { errorRate: p.error_rate, errorCode: p.error_code, latencyMs: p.latency_ms, timeoutRate: p.timeout_rate });
      return faults.status();
    },
    'dev.clear_faults': () => {
      faults.clear();
      return faults.status();
    },
    'dev.outage': (params) => {
      const p = parse(
        obj({ mode: z.enum(['http_503', 'refuse']), duration_ms: z.number().int().min(1).max(600_000, 'must be at most 600000') }),
        params,
      );
      return outage.start(p.mode, p.duration_ms);
    },
    ...createTreasuryDevMethods(chain),
    'dev.status': () => ({
      height: chain.height,
      seed: chain.opts.seed,
      chain_id: chain.chainId,
      faults: faults.status(),
      gates: chain.gates,
      outage: outage.status(),
      ...counts(),
    }),
  };
}
