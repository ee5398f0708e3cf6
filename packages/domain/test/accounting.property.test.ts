/**
 * Property tests: for random receipt streams, with amounts up to the largest the chain allows, the
 * accounting is exact — total P&L equals the sum of the markets' P&L and an independent
 * recomputation (the plain loop below, not the domain code), and the balance equation holds.
 */
import fc from 'fast-check';
import {
  MARKETS,
  MAX_AMOUNT_UNITS,
  applyReceipts,
  formatUnits,
  initialAccounting,
  marketPnl,
  parseAmount,
  pnlSummary,
  type AccountingReceipt,
  type Market,
  type Units,
} from '../src';

/** Amounts biased towards the edges: 0, 1 unit, the maximum, and everything between. */
const amount = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, MAX_AMOUNT_UNITS, MAX_AMOUNT_UNITS - 1n) },
  { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: MAX_AMOUNT_UNITS }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 8n }) }, // devnet-sized: ≤ 100 tokens
);

const receipt = fc.record({
  market: fc.constantFrom(...MARKETS),
  direction: fc.constantFrom('spend' as const, 'earn' as const),
  amount,
  units: fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined }),
  subsidy: fc.option(amount, { nil: undefined }),
  blockHeight: fc.nat({ max: 10_000_000 }),
});

const stream = (maxLength: number, minLength = 0) =>
  fc
    .array(receipt, { minLength, maxLength })
    .map((rs) => rs.map((r, i): AccountingReceipt => ({ ...r, id: `r${i}`, timestamp: 1_700_000_000 + i })));

/** The oracle: a plain loop over the receipts, sharing nothing with the domain code. */
function recompute(start: Units, receipts: AccountingReceipt[]) {
  const zero = () => ({ compute: 0n, storage: 0n, energy: 0n, ad: 0n });
  const earned: Record<Market, bigint> = zero();
  const spent: Record<Market, bigint> = zero();
  const subsidies: Record<Market, bigint> = zero();
  let balance = start;
  for (const r of receipts) {
    if (r.direction === 'earn') {
      earned[r.market] += r.amount;
      balance = balance + r.amount;
    } else {
      spent[r.market] += r.amount;
      balance = balance - r.amount;
    }
    subsidies[r.market] += r.subsidy ?? 0n;
    balance = balance + (r.subsidy ?? 0n);
  }
  const byMarket = Object.fromEntries(MARKETS.map((m) => [m, earned[m] + subsidies[m] - spent[m]])) as Record<Market, bigint>;
  return { balance, total: balance - start, byMarket, earned, spent, subsidies };
}

const start = fc.bigInt({ min: 0n, max: MAX_AMOUNT_UNITS });

function checkExact(startingBalance: Units, receipts: AccountingReceipt[]) {
  const state = applyReceipts(initialAccounting(startingBalance), receipts);
  const summary = pnlSummary(state);
  const oracle = recompute(startingBalance, receipts);
  // total P&L = sum of the markets' P&L = the recomputation
  expect(summary.total).toBe(MARKETS.reduce((sum, m) => sum + summary.byMarket[m], 0n));
  expect(summary.total).toBe(oracle.total);
  expect(summary.byMarket).toEqual(oracle.byMarket);
  // balance = start + earned − spent + subsidies
  const sum = (k: 'totalEarned' | 'totalSpent' | 'subsidies') => MARKETS.reduce((s, m) => s + state.positions[m][k], 0n);
  expect(state.balance).toBe(startingBalance + sum('totalEarned') - sum('totalSpent') + sum('subsidies'));
  expect(state.balance).toBe(oracle.balance);
  for (const m of MARKETS) {
    expect(state.positions[m]).toMatchObject({
      totalEarned: oracle.earned[m],
      totalSpent: oracle.spent[m],
      subsidies: oracle.subsidies[m],
    });
    expect(marketPnl(state.positions[m])).toBe(oracle.byMarket[m]);
  }
  expect(state.receiptsProcessed).toBe(receipts.length);
  expect(state.lastHeight).toBe(receipts.reduce((h, r) => Math.max(h, r.blockHeight), 0));
  // the decimal string the API shows reads back as the same units
  expect(parseAmount(formatUnits(summary.total), { allowNegative: true, max: 2n ** 128n })).toBe(summary.total);
  return state;
}

describe('accounting is exact (property tests)', () => {
  it('for many short streams', () => {
    fc.assert(
      fc.property(start, stream(200), (s, receipts) => {
        checkExact(s, receipts);
      }),
      { numRuns: 300 },
    );
  });

  it('for a few streams of up to 100,000 receipts', () => {
    fc.assert(
      fc.property(start, stream(100_000, 90_000), (s, receipts) => {
        checkExact(s, receipts);
      }),
      {
        numRuns: 3,
        // shrinking 100,000 receipts takes minutes and printing them floods the log: report how to replay instead
        endOnFailure: true,
        reporter: (out) => {
          if (out.failed)
            throw new Error(
              `failed for a stream of ${out.counterexample?.[1]?.length} receipts (replay: seed ${out.seed}, path "${out.counterexamplePath}"): ${String(out.errorInstance)}`,
            );
        },
      },
    );
  }, 60_000);

  it('applying a stream in batches equals applying it whole', () => {
    fc.assert(
      fc.property(start, stream(300), fc.array(fc.nat({ max: 300 }), { maxLength: 10 }), (s, receipts, cuts) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b).map((c) => Math.min(c, receipts.length)), receipts.length];
        let state = initialAccounting(s);
        for (let i = 1; i < bounds.length; i++) state = applyReceipts(state, receipts.slice(bounds[i - 1], bounds[i]));
        expect(state).toEqual(applyReceipts(initialAccounting(s), receipts));
      }),
      { numRuns: 200 },
    );
  });

  it('decimal strings round-trip every amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -MAX_AMOUNT_UNITS, max: MAX_AMOUNT_UNITS }), (u) => {
        expect(parseAmount(formatUnits(u), { allowNegative: true })).toBe(u);
      }),
      { numRuns: 2000 },
    );
  });
});
