/**
 * How accounting values are written in Redis (store format 2): every amount is an integer string
 * of micro-token units ("7016060000"), so Lua can add them with INCRBY/HINCRBY (exact int64) and
 * nothing is ever a float. Decoding is strict: anything else is a StoreFormatError, never a guess.
 */
import { MARKETS, type AccountingReceipt, type AccountingState, type Market, type Position, type Units } from '@blockops/domain';

/** The format version kept in the state hash's `format` field. Format 1 (no field) held floats. */
export const STORE_FORMAT = '2';

export class StoreFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFormatError';
  }
}

const INTEGER = /^-?\d+$/;

/** An integer unit string from Redis; `where` names the key and field in the error. */
export function unitsIn(value: unknown, where: string): Units {
  if (typeof value !== 'string' || !INTEGER.test(value))
    throw new StoreFormatError(`${where} must be an integer string of units (got ${JSON.stringify(value)})`);
  return BigInt(value);
}

type Encoded<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] extends bigint | undefined ? string | undefined : T[K] };

// ---- accounting state (hash field `state`) ----

export function encodeState(s: AccountingState): string {
  const positions: Record<string, Encoded<Position>> = {};
  for (const m of MARKETS) {
    const p = s.positions[m];
    positions[m] = {
      totalSpent: p.totalSpent.toString(),
      totalEarned: p.totalEarned.toString(),
      unitsConsumed: p.unitsConsumed,
      subsidies: p.subsidies.toString(),
      receipts: p.receipts,
    };
  }
  return JSON.stringify({
    startingBalance: s.startingBalance.toString(),
    balance: s.balance.toString(),
    positions,
    receiptsProcessed: s.receiptsProcessed,
    lastHeight: s.lastHeight,
  });
}

export function decodeState(json: string, key: string): AccountingState {
  const o = JSON.parse(json) as Encoded<AccountingState> & { positions: Record<Market, Encoded<Position>> };
  const positions = {} as Record<Market, Position>;
  for (const m of MARKETS) {
    const p = o.positions[m];
    const at = `${key} state.positions.${m}`;
    positions[m] = {
      totalSpent: unitsIn(p.totalSpent, `${at}.totalSpent`),
      totalEarned: unitsIn(p.totalEarned, `${at}.totalEarned`),
      unitsConsumed: p.unitsConsumed,
      subsidies: unitsIn(p.subsidies, `${at}.subsidies`),
      receipts: p.receipts,
    };
  }
  return {
    startingBalance: unitsIn(o.startingBalance, `${key} state.startingBalance`),
    balance: unitsIn(o.balance, `${key} state.balance`),
    positions,
    receiptsProcessed: o.receiptsProcessed,
    lastHeight: o.lastHeight,
  };
}

// ---- receipts (history lists) ----

export function encodeReceipt(r: AccountingReceipt): string {
  return JSON.stringify({
    id: r.id,
    market: r.market,
    blockHeight: r.blockHeight,
    timestamp: r.timestamp,
    direction: r.direction,
    amount: r.amount.toString(),
    units: r.units,
    subsidy: r.subsidy?.toString(),
  });
}

export function decodeReceipt(json: string, key: string): AccountingReceipt {
  const { amount, subsidy, ...rest } = JSON.parse(json) as Encoded<AccountingReceipt>;
  const r: AccountingReceipt = { ...rest, amount: unitsIn(amount, `${key} receipt ${rest.id} amount`) };
  if (subsidy !== undefined) r.subsidy = unitsIn(subsidy, `${key} receipt ${rest.id} subsidy`);
  return r;
}

// ---- P&L series points ----

export interface SeriesPoint {
  /** ms since the epoch */
  t: number;
  height: number;
  total: Units;
  byMarket: Record<Market, Units>;
  balance: Units;
}

export function encodePoint(p: SeriesPoint): string {
  const byMarket: Record<string, string> = {};
  for (const m of MARKETS) byMarket[m] = p.byMarket[m].toString();
  return JSON.stringify({ t: p.t, height: p.height, total: p.total.toString(), byMarket, balance: p.balance.toString() });
}

export function decodePoint(json: string, key: string): SeriesPoint {
  const o = JSON.parse(json) as Encoded<SeriesPoint> & { byMarket: Record<Market, string> };
  const at = `${key} point at height ${o.height}`;
  const byMarket = {} as Record<Market, Units>;
  for (const m of MARKETS) byMarket[m] = unitsIn(o.byMarket[m], `${at} byMarket.${m}`);
  return { t: o.t, height: o.height, total: unitsIn(o.total, `${at} total`), byMarket, balance: unitsIn(o.balance, `${at} balance`) };
}
