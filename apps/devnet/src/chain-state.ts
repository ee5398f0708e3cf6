import { createPrng, type Prng } from './prng';

export const MARKETS = ['compute', 'storage', 'energy', 'ad'] as const;
export type Market = (typeof MARKETS)[number];
export type GateState = 'Trade' | 'Halt' | 'PostOnly';

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

interface PendingOp {
  operation_id: string;
  tx_hash: string;
  market: Market;
  account: string;
  estimated_cost: number;
  units: number;
  submitted_height: number;
  confirm_height: number;
}

export interface ChainOptions {
  seed: number;
  blockIntervalMs: number;
  confirmBlocks: number;
  /** ms since epoch of block 0; fixed so timestamps are reproducible */
  genesisMs?: number;
}

const PROVIDERS = Array.from({ length: 12 }, (_, i) => `0xprov${String(i).padStart(2, '0')}`);
const ACCOUNTS = Array.from({ length: 30 }, (_, i) => `0xacct${String(i).padStart(2, '0')}`);

/**
 * A chain that moves: each block adds background receipts from other accounts in all four markets
 * and confirms submitted operations k blocks after submission, with an actual cost that may
 * differ from the estimate. Everything derives from the seed and the height.
 */
export class ChainState {
  height = 0;
  receipts: Receipt[] = [];
  gates: Record<Market, { state: GateState; reason: string }> = {
    compute: { state: 'Trade', reason: 'open' },
    storage: { state: 'Trade', reason: 'open' },
    energy: { state: 'Trade', reason: 'open' },
    ad: { state: 'Trade', reason: 'open' },
  };
  balances: Record<string, number> = {};
  operations = new Map<string, PendingOp & { status: 'pending' | 'confirmed'; receipt_id?: string; block_height?: number }>();
  private prng: Prng;
  readonly genesisMs: number;

  constructor(readonly opts: ChainOptions) {
    this.prng = createPrng(opts.seed);
    this.genesisMs = opts.genesisMs ?? 1_767_225_600_000; // 2026-01-01T00:00:00Z
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

  mine(blocks = 1) {
    for (let b = 0; b < blocks; b++) this.mineOne();
  }

  private mineOne() {
    this.height++;
    const h = this.height;
    const ts = this.timestampOf(h);
    let n = 0;
    for (const market of MARKETS) {
      const count = this.prng.int(0, 2);
      for (let i = 0; i < count; i++) {
        this.receipts.push({
          id: `rcpt-${h}-${n++}`,
          market,
          block_height: h,
          timestamp: ts,
          provider: this.prng.pick(PROVIDERS),
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
      this.receipts.push({
        id,
        market: op.market,
        block_height: h,
        timestamp: ts,
        provider: this.prng.pick(PROVIDERS),
        consumer: op.account,
        amount: actual,
        units: op.units,
        subsidy: 0,
        status: 'completed',
        operation_id: op.operation_id,
        estimated_cost: op.estimated_cost,
      });
      this.balances[op.account] = this.balanceOf(op.account) - actual;
      op.status = 'confirmed';
      op.receipt_id = id;
      op.block_height = h;
    }
  }
}
