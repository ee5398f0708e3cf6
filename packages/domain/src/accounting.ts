/**
 * Accounting from receipts (seed 000): balance, positions per market, subsidies, P&L total and per
 * market. Pure: the store applies these functions atomically with the poller's checkpoint, and
 * idempotency per receipt id is the store's job (a receipt applied twice here counts twice).
 * Every amount is a bigint count of micro-tokens (money.ts): sums are exact, whatever their size.
 */
import { MARKETS, type Market } from './markets';
import { MAX_AMOUNT_UNITS, type Units } from './money';

/** A receipt as accounting sees it: only receipts involving our account reach here. */
export interface AccountingReceipt {
  id: string;
  market: Market;
  blockHeight: number;
  /** seconds since the epoch */
  timestamp: number;
  /** we paid (`spend`, we are the consumer) or were paid (`earn`, we are the provider) */
  direction: 'spend' | 'earn';
  amount: Units;
  /** compute units, bytes, kWh or impressions (a count, not money) */
  units?: number;
  /** protocol subsidy credited to us with this receipt */
  subsidy?: Units;
}

export interface Position {
  totalSpent: Units;
  totalEarned: Units;
  unitsConsumed: number;
  subsidies: Units;
  receipts: number;
}

export interface AccountingState {
  startingBalance: Units;
  balance: Units;
  positions: Record<Market, Position>;
  receiptsProcessed: number;
  lastHeight: number;
}

export const emptyPosition = (): Position => ({ totalSpent: 0n, totalEarned: 0n, unitsConsumed: 0, subsidies: 0n, receipts: 0 });

export function initialAccounting(startingBalance: Units): AccountingState {
  if (typeof startingBalance !== 'bigint' || startingBalance < 0n)
    throw new RangeError(`startingBalance must be a bigint count of units ≥ 0 (got ${String(startingBalance)})`);
  return {
    startingBalance,
    balance: startingBalance,
    positions: Object.fromEntries(MARKETS.map((m) => [m, emptyPosition()])) as Record<Market, Position>,
    receiptsProcessed: 0,
    lastHeight: 0,
  };
}

/** Why `v` is not an amount of a receipt (a bigint in [0, MAX_AMOUNT_UNITS]), or undefined. */
export function receiptAmountProblem(v: unknown): string | undefined {
  if (typeof v !== 'bigint') return `must be a bigint count of units (got ${typeof v})`;
  if (v < 0n || v > MAX_AMOUNT_UNITS) return `must be from 0 to ${MAX_AMOUNT_UNITS} units (got ${v})`;
  return undefined;
}

/** Returns a new state with the receipt applied; the input is not modified. */
export function applyReceipt(state: AccountingState, r: AccountingReceipt): AccountingState {
  return applyReceipts(state, [r]);
}

/**
 * Returns a new state with the receipts applied in order; the input is not modified. The state is
 * copied once per call and the copy updated in place, and the balance moves once per call by what
 * the positions moved: one bigint addition per amount, no allocation per receipt beyond it.
 */
export function applyReceipts(state: AccountingState, receipts: readonly AccountingReceipt[]): AccountingState {
  const positions = {} as Record<Market, Position>;
  for (const m of MARKETS) positions[m] = { ...state.positions[m] };
  let lastHeight = state.lastHeight;
  for (const r of receipts) {
    const p = positions[r.market];
    if (p === undefined) throw new RangeError(`receipt ${r.id}: market must be one of ${MARKETS.join(', ')} (got ${String(r.market)})`);
    const bad = receiptAmountProblem(r.amount);
    if (bad) throw new RangeError(`receipt ${r.id}: amount ${bad}`);
    if (r.direction === 'spend') {
      p.totalSpent += r.amount;
      p.unitsConsumed += r.units ?? 0;
    } else {
      p.totalEarned += r.amount;
    }
    if (r.subsidy !== undefined) {
      const badSubsidy = receiptAmountProblem(r.subsidy);
      if (badSubsidy) throw new RangeError(`receipt ${r.id}: subsidy ${badSubsidy}`);
      p.subsidies += r.subsidy;
    }
    p.receipts += 1;
    if (r.blockHeight > lastHeight) lastHeight = r.blockHeight;
  }
  // balance = before + what each market earned and was subsidised − what it spent, in this call
  let balance = state.balance;
  for (const m of MARKETS) balance += marketPnl(positions[m]) - marketPnl(state.positions[m]);
  return { ...state, balance, positions, receiptsProcessed: state.receiptsProcessed + receipts.length, lastHeight };
}

/** P&L of a market: what it earned plus subsidies, minus what it cost. */
export function marketPnl(p: Position): Units {
  return p.totalEarned + p.subsidies - p.totalSpent;
}

/** Average cost of one consumed unit, rounded half up to the micro-token (0 before any unit). */
export function avgCostPerUnit(p: Position): Units {
  if (p.unitsConsumed <= 0) return 0n;
  const n = BigInt(p.unitsConsumed);
  return (p.totalSpent * 2n + n) / (2n * n);
}

export interface PnlSummary {
  total: Units;
  byMarket: Record<Market, Units>;
  balance: { starting: Units; current: Units };
  receiptsProcessed: number;
}

export function pnlSummary(state: AccountingState): PnlSummary {
  const byMarket = Object.fromEntries(MARKETS.map((m) => [m, marketPnl(state.positions[m])])) as Record<Market, Units>;
  return {
    total: state.balance - state.startingBalance,
    byMarket,
    balance: { starting: state.startingBalance, current: state.balance },
    receiptsProcessed: state.receiptsProcessed,
  };
}
