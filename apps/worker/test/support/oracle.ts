/**
 * The independent P&L oracle for the poller tests. It shares no code with what it checks: no
 * packages/domain, no packages/accounts — a plain loop over the node's full receipt log
 * (`receipt.audit`) in exact integer micro-units, cross-checked against the node's own ledger
 * balance (the devnet debits our account for every operation receipt, and credits nothing else).
 */
import type { ChainClient } from '@blockops/chain';

const MICRO = 1_000_000n;

/** Exact micro-units of an amount as the node or the store wrote it (a JSON number's shortest decimal form, or a decimal string). */
export function micro(amount: number | string): bigint {
  const text = typeof amount === 'number' ? String(amount) : amount;
  const m = /^(-)?(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`oracle: ${JSON.stringify(text)} is not an amount with at most 6 decimals`);
  const v = BigInt(m[2]!) * MICRO + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -v : v;
}

export interface MarketFigures {
  receipts: number;
  spent: bigint;
  earned: bigint;
  subsidies: bigint;
  unitsConsumed: number;
}

export interface LedgerOracle {
  toHeight: number;
  /** the node's head when the oracle read it: the ledger cross-check holds only at the head */
  head: number;
  /** receipts of our account up to the height */
  receipts: number;
  spends: number;
  earnings: number;
  /** spend receipts that confirm an operation */
  operationSpends: number;
  byMarket: Record<string, MarketFigures>;
  /** starting balance + earned + subsidies − spent */
  balance: bigint;
  /** what the node's ledger says our account holds */
  nodeBalance: bigint;
  /** the node's ledger, recomputed: starting balance − operation spends */
  nodeBalanceFromReceipts: bigint;
}

export async function ledgerOracle(
  chain: Pick<ChainClient, 'receipt' | 'ledger' | 'light'>,
  account: string,
  toHeight: number,
  startingBalance: number | string,
): Promise<LedgerOracle> {
  const start = micro(startingBalance);
  const byMarket: Record<string, MarketFigures> = {};
  let receipts = 0;
  let spends = 0;
  let earnings = 0;
  let operationSpends = 0;
  let balance = start;
  let operationSpent = 0n;
  for (let offset: number | null = 0; offset !== null;) {
    const page = await chain.receipt.audit({ from_height: 1, to_height: toHeight, limit: 1000, offset });
    for (const r of page.receipts) {
      const spend = r.consumer === account;
      if (!spend && r.provider !== account) continue;
      const m = (byMarket[r.market] ??= { receipts: 0, spent: 0n, earned: 0n, subsidies: 0n, unitsConsumed: 0 });
      const amount = micro(r.amount);
      const subsidy = micro(r.subsidy ?? 0);
      receipts++;
      m.receipts++;
      m.subsidies += subsidy;
      balance += subsidy;
      if (spend) {
        spends++;
        m.spent += amount;
        m.unitsConsumed += r.units ?? 0;
        balance -= amount;
        if (r.operation_id) {
          operationSpends++;
          operationSpent += amount;
        }
      } else {
        earnings++;
        m.earned += amount;
        balance += amount;
      }
    }
    offset = page.next_offset;
  }
  const [node, header] = await Promise.all([chain.ledger.balance({ account }), chain.light.latestHeader()]);
  return {
    toHeight,
    head: header.height,
    receipts,
    spends,
    earnings,
    operationSpends,
    byMarket,
    balance,
    // the devnet sums balances in floating point (receipt amounts themselves are exact 2-decimal numbers)
    nodeBalance: micro(node.balance.toFixed(6)),
    nodeBalanceFromReceipts: start - operationSpent,
  };
}

/** Micro-units of a figure the store reports (floats until amounts are exact there: rounded to the micro-unit). */
export function storeMicro(value: number | string | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') return micro(value);
  return BigInt(Math.round(value * 1_000_000));
}

/**
 * Asserts the store's accounting equals the oracle's: balance, receipt count and every market's
 * spent, earned, subsidies and receipts, exactly in micro-units; and, at the head, that the node's
 * own ledger agrees with the spends in its receipt log.
 */
export function expectAccountingMatches(
  state: {
    balance: number | string | bigint;
    receiptsProcessed: number;
    positions: Record<
      string,
      {
        totalSpent: number | string | bigint;
        totalEarned: number | string | bigint;
        subsidies: number | string | bigint;
        receipts: number;
        unitsConsumed: number;
      }
    >;
  },
  oracle: LedgerOracle,
) {
  expect(oracle.receipts).toBeGreaterThan(0);
  expect(state.receiptsProcessed).toBe(oracle.receipts);
  expect(storeMicro(state.balance)).toBe(oracle.balance);
  for (const [market, want] of Object.entries(oracle.byMarket)) {
    const got = state.positions[market]!;
    expect({
      market,
      receipts: got.receipts,
      spent: storeMicro(got.totalSpent),
      earned: storeMicro(got.totalEarned),
      subsidies: storeMicro(got.subsidies),
      unitsConsumed: got.unitsConsumed,
    }).toEqual({
      market,
      receipts: want.receipts,
      spent: want.spent,
      earned: want.earned,
      subsidies: want.subsidies,
      unitsConsumed: want.unitsConsumed,
    });
  }
  for (const [market, got] of Object.entries(state.positions)) if (!oracle.byMarket[market]) expect(got.receipts).toBe(0);
  if (oracle.toHeight === oracle.head) expect(oracle.nodeBalance).toBe(oracle.nodeBalanceFromReceipts);
}
