import { createHash, randomBytes } from 'node:crypto';
import { formatUnits, parseAmount, unitsFromJsonNumber, type Units } from '@blockops/domain';
import { createPrng, type Prng } from './prng';

export const MARKETS = ['compute', 'storage', 'energy', 'ad'] as const;
export type Market = (typeof MARKETS)[number];
// The devnet stands in for a foreign node: it keeps its own copy of the chain's vocabulary.
export const GATE_STATES = ['Trade', 'Halt', 'PostOnly'] as const;
type GateState = (typeof GATE_STATES)[number];

/**
 * The devnet keeps money in cents, as a node with 2-decimal amounts would: every balance it
 * changes is rounded back to cents, so what it sends never carries float residue (blockops
 * refuses an amount with more precision than a micro-token rather than round it).
 */
export const cents = (x: number) => Math.round(x * 100) / 100;

export interface Receipt {
  id: string;
  market: Market;
  block_height: number;
  timestamp: number;
  provider: string;
  consumer: string;
  amount: number;
  units: number;
  subsidy: number;
  status: 'completed';
  operation_id: string | null;
  estimated_cost: number | null;
}

export interface Operation {
  operation_id: string;
  tx_hash: string;
  market: Market;
  account: string;
  estimated_cost: number;
  units: number;
  submitted_height: number;
  confirm_height: number;
  status: 'pending' | 'confirmed';
  receipt_id?: string;
  block_height?: number;
  actual_cost?: number;
}

export interface Disbursement {
  disbursement_id: string;
  executor: string;
  nonce: number;
  destination: string;
  /** exact decimal string (older state files hold a number) */
  amount: string;
  memo: string | null;
  tx_hash: string;
  block_height: number;
  status: 'executed';
}

/** One debit of the treasury, in the order the node made them: the ground truth of "paid once". */
export interface Payment {
  seq: number;
  disbursement_id: string;
  executor: string;
  nonce: number;
  destination: string;
  amount: string;
  tx_hash: string;
  block_height: number;
}

/** The treasury holds exact units; amounts cross the wire as decimal strings or numbers. */
export interface Treasury {
  balance: Units;
  nonces: Record<string, number>;
  disbursements: Map<string, Disbursement>;
  payments: Payment[];
  /** destinations the node refuses (dev.reject_destination), with the reason */
  rejected: Map<string, string>;
}

export interface MarketTotals {
  receipts: number;
  revenue: number;
  units: number;
}

export interface ChainOptions {
  seed: number;
  /**
   * This chain's identity. A new chain without one draws `devnet-<seed>-<8 hex>`, so two chains
   * started from the same seed are still told apart; a restored chain keeps the one it was born with.
   */
  chainId?: string;
  blockIntervalMs: number;
  confirmBlocks: number;
  /** ms since epoch of block 0; fixed so timestamps are reproducible */
  genesisMs?: number;
  /** treasury balance at genesis */
  treasuryBalance?: number;
  /** accounts that also act as providers in background receipts (so they earn) */
  providerAccounts?: string[];
}

/** Everything `--state FILE` keeps; faults and outages are test settings and are not kept. */
export interface ChainSnapshot {
  version: 1;
  seed: number;
  /** absent in state files written before chains had an id: those get `devnet-<seed>` */
  chainId?: string;
  prngState: number;
  height: number;
  receipts: Receipt[];
  gates: Record<Market, { state: GateState; reason: string }>;
  balances: Record<string, number>;
  operations: Operation[];
  treasury: {
    /** decimal string (older state files: a number) */
    balance: string | number;
    nonces: Record<string, number>;
    disbursements: Disbursement[];
    payments?: Payment[];
    rejected?: Record<string, string>;
  };
}

const treasuryUnits = (v: string | number): Units => (typeof v === 'number' ? unitsFromJsonNumber(v) : parseAmount(v));

const BASE_PROVIDERS = Array.from({ length: 12 }, (_, i) => `0xprov${String(i).padStart(2, '0')}`);
const ACCOUNTS = Array.from({ length: 30 }, (_, i) => `0xacct${String(i).padStart(2, '0')}`);

const emptyTotals = (): Record<Market, MarketTotals> =>
  Object.fromEntries(MARKETS.map((m) => [m, { receipts: 0, revenue: 0, units: 0 }])) as Record<Market, MarketTotals>;

/** First index in a height-sorted receipt list whose height is ≥ h. */
function lowerBound(list: Receipt[], h: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.block_height < h) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A chain that moves: each block adds background receipts from other accounts in all four markets
 * and confirms submitted operations k blocks after submission, with an actual cost that may
 * differ from the estimate. Everything derives from the seed and the height.
 */
export class ChainState {
  height = 0;
  receipts: Receipt[] = [];
  /** the same receipts per market, so a market filter pages without a scan */
  private byMarket: Record<Market, Receipt[]> = { compute: [], storage: [], energy: [], ad: [] };
  totals = emptyTotals();
  gates: Record<Market, { state: GateState; reason: string }> = {
    compute: { state: 'Trade', reason: 'open' },
    storage: { state: 'Trade', reason: 'open' },
    energy: { state: 'Trade', reason: 'open' },
    ad: { state: 'Trade', reason: 'open' },
  };
  balances: Record<string, number> = {};
  operations = new Map<string, Operation>();
  treasury: Treasury;
  /** bumped on every change, so the state file is written only when something changed */
  revision = 0;
  private prng: Prng;
  private providers: string[];
  readonly genesisMs: number;
  readonly chainId: string;
  /** Names this chain from its id, seed and genesis time: what a client records to know the chain it follows. */
  readonly genesisHash: string;

  constructor(readonly opts: ChainOptions) {
    this.prng = createPrng(opts.seed);
    this.genesisMs = opts.genesisMs ?? 1_767_225_600_000; // 2026-01-01T00:00:00Z
    this.chainId = opts.chainId ?? `devnet-${opts.seed}-${randomBytes(4).toString('hex')}`;
    this.genesisHash = `0x${createHash('sha256').update(`theblock-devnet:${this.chainId}:${opts.seed}:${this.genesisMs}`).digest('hex')}`;
    this.treasury = {
      balance: treasuryUnits(opts.treasuryBalance ?? 1_000_000),
      nonces: {},
      disbursements: new Map(),
      payments: [],
      rejected: new Map(),
    };
    this.providers = [...BASE_PROVIDERS, ...(opts.providerAccounts ?? [])];
  }

  timestampOf(height: number): number {
    return Math.floor((this.genesisMs + height * this.opts.blockIntervalMs) / 1000);
  }

  hashOf(height: number): string {
    return `0x${(height * 2654435761 + this.opts.seed).toString(16).padStart(64, '0')}`;
  }

  balanceOf(account: string): number {
    return this.balances[account] ?? 0;
  }

  changed() {
    this.revision++;
  }

  /** Receipts with from ≤ height ≤ to (optionally one market), in chain order. */
  receiptRange(from: number, to: number, market?: Market): Receipt[] {
    const list = market ? this.byMarket[market] : this.receipts;
    return list.slice(lowerBound(list, from), lowerBound(list, to + 1));
  }

  mine(blocks = 1) {
    for (let b = 0; b < blocks; b++) this.mineOne();
    this.changed();
  }

  private push(r: Receipt) {
    this.receipts.push(r);
    this.byMarket[r.market].push(r);
    const t = this.totals[r.market];
    t.receipts++;
    t.revenue += r.amount;
    t.units += r.units;
  }

  private mineOne() {
    this.height++;
    const h = this.height;
    const ts = this.timestampOf(h);
    let n = 0;
    for (const market of MARKETS) {
      const count = this.prng.int(0, 2);
      for (let i = 0; i < count; i++) {
        this.push({
          id: `rcpt-${h}-${n++}`,
          market,
          block_height: h,
          timestamp: ts,
          provider: this.prng.pick(this.providers),
          consumer: this.prng.pick(ACCOUNTS),
          amount: this.prng.int(1, 500),
          units: this.prng.int(1, 1000),
          subsidy: 0,
          status: 'completed',
          operation_id: null,
          estimated_cost: null,
        });
      }
    }
    for (const op of this.operations.values()) {
      if (op.status !== 'pending' || op.confirm_height !== h) continue;
      // actual cost within ±10% of the estimate
      const actual = Math.max(0, Math.round(op.estimated_cost * (0.9 + this.prng.next() * 0.2) * 100) / 100);
      const id = `rcpt-${h}-${n++}`;
      this.push({
        id,
        market: op.market,
        block_height: h,
        timestamp: ts,
        provider: this.prng.pick(BASE_PROVIDERS),
        consumer: op.account,
        amount: actual,
        units: op.units,
        subsidy: 0,
        status: 'completed',
        operation_id: op.operation_id,
        estimated_cost: op.estimated_cost,
      });
      this.balances[op.account] = cents(this.balanceOf(op.account) - actual);
      op.status = 'confirmed';
      op.receipt_id = id;
      op.block_height = h;
      op.actual_cost = actual;
    }
  }

  snapshot(): ChainSnapshot {
    return {
      version: 1,
      seed: this.opts.seed,
      chainId: this.chainId,
      prngState: this.prng.state(),
      height: this.height,
      receipts: this.receipts,
      gates: this.gates,
      balances: this.balances,
      operations: [...this.operations.values()],
      treasury: {
        balance: formatUnits(this.treasury.balance),
        nonces: this.treasury.nonces,
        disbursements: [...this.treasury.disbursements.values()],
        payments: this.treasury.payments,
        rejected: Object.fromEntries(this.treasury.rejected),
      },
    };
  }

  /** A chain that continues exactly where the snapshot left off (same PRNG position). */
  static restore(opts: ChainOptions, s: ChainSnapshot): ChainState {
    if (s.version !== 1) throw new Error(`state file version ${String(s.version)} is not supported (expected 1)`);
    const c = new ChainState({ ...opts, seed: s.seed, chainId: s.chainId ?? `devnet-${s.seed}` });
    c.prng = createPrng(s.seed, s.prngState);
    c.height = s.height;
    for (const r of s.receipts) c.push(r);
    c.gates = s.gates;
    c.balances = s.balances;
    c.operations = new Map(s.operations.map((o) => [o.operation_id, o]));
    const amount = (v: string | number) => formatUnits(treasuryUnits(v));
    c.treasury = {
      balance: treasuryUnits(s.treasury.balance),
      nonces: s.treasury.nonces,
      disbursements: new Map(s.treasury.disbursements.map((d) => [d.disbursement_id, { ...d, amount: amount(d.amount) }])),
      payments: (s.treasury.payments ?? []).map((p) => ({ ...p, amount: amount(p.amount) })),
      rejected: new Map(Object.entries(s.treasury.rejected ?? {})),
    };
    return c;
  }
}
