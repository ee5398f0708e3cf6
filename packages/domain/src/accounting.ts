/**
 * Accounting from receipts (seed 000): balance, positions per market, subsidies, P&L total and per
 * market. Pure: the store applies these functions atomically with the poller's checkpoint, and
 * idempotency per receipt id is the store's job (a receipt applied twice here counts twice).
 */
import { MARKETS, type Market } from './markets';

/** A receipt as accounting sees it: only receipts involving our account reach here. */
export interface AccountingReceipt {
  id: string;
  market: Market;
  blockHeight: number;
  /** seconds since the epoch */
  timestamp: number;
  /** we paid (`spend`, we are the consumer) or were paid (`earn`, we are the provider) */
  direction: 'spend' | 'earn';
  amount: number;
  units?: number;
  /** protocol subsidy credited to us with this receipt */
  subsidy?: number;
}

export interface Position {
  totalSpent: number;
  totalEarned: number;
  unitsConsumed: number;
  subsidies: number;
  receipts: number;
}

export interface AccountingState {
  startingBalance: number;
  balance: number;
  positions: Record<Market, Position>;
  receiptsProcessed: number;
  lastHeight: number;
}

export const emptyPosition = (): Position => ({ totalSpent: 0, totalEarned: 0, unitsConsumed: 0, subsidies: 0, receipts: 0 });

export function initialAccounting(startingBalance: number): AccountingState {
  return {
    startingBalance,
    balance: startingBalance,
    positions: Object.fromEntries(MARKETS.map((m) => [m, emptyPosition()])) as Record<Market, Position>,
    receiptsProcessed: 0,
    lastHeight: 0,
  };
}

/** Returns a new state with the receipt applied; the input is not modified. */
export function applyReceipt(state: AccountingState, r: AccountingReceipt): AccountingState {
  if (!(r.amount >= 0) || !Number.isFinite(r.amount)) throw new RangeError(`receipt ${r.id}: amount must be a finite number ≥ 0`);
  const p = { ...state.positions[r.market] };
  const subsidy = r.subsidy ?? 0;
  if (r.direction === 'spend') {
    p.totalSpent += r.amount;
    p.unitsConsumed += r.units ?? 0;
  } else {
    p.totalEarned += r.amount;
  }
  p.subsidies += subsidy;
  p.receipts += 1;
  const delta = (r.direction === 'earn' ? r.amount : -r.amount) + subsidy;
  return {
    ...state,
    balance: state.balance + delta,
    positions: { ...state.positions, [r.market]: p },
    receiptsProcessed: state.receiptsProcessed + 1,
    lastHeight: Math.max(state.lastHeight, r.blockHeight),
  };
}

export function applyReceipts(state: AccountingState, receipts: AccountingReceipt[]): AccountingState {
  return receipts.reduce(applyReceipt, state);
}

/** P&L of a market: what it earned plus subsidies, minus what it cost. */
export function marketPnl(p: Position): number {
  return p.totalEarned + p.subsidies - p.totalSpent;
}

export function avgCostPerUnit(p: Position): number {
  return p.unitsConsumed > 0 ? p.totalSpent / p.unitsConsumed : 0;
}

export interface PnlSummary {
  total: number;
  byMarket: Record<Market, number>;
  balance: { starting: number; current: number };
  receiptsProcessed: number;
}

export function pnlSummary(state: AccountingState): PnlSummary {
  const byMarket = Object.fromEntries(MARKETS.map((m) => [m, marketPnl(state.positions[m])])) as Record<Market, number>;
  return {
    total: state.balance - state.startingBalance,
    byMarket,
    balance: { starting: state.startingBalance, current: state.balance },
    receiptsProcessed: state.receiptsProcessed,
  };
}
