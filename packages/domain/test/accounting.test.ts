import { applyReceipt, applyReceipts, avgCostPerUnit, initialAccounting, pnlSummary, type AccountingReceipt } from '../src';

const r = (over: Partial<AccountingReceipt>): AccountingReceipt => ({
  id: 'r1',
  market: 'compute',
  blockHeight: 10,
  timestamp: 1,
  direction: 'spend',
  amount: 50,
  units: 1000,
  ...over,
});

describe('accounting', () => {
  it('starts at the starting balance with empty positions', () => {
    const s = initialAccounting(100_000);
    expect(pnlSummary(s)).toEqual({
      total: 0,
      byMarket: { compute: 0, storage: 0, energy: 0, ad: 0 },
      balance: { starting: 100_000, current: 100_000 },
      receiptsProcessed: 0,
    });
  });

  it('spends, earns and credits subsidies per market', () => {
    const s = applyReceipts(initialAccounting(1000), [
      r({ id: 'a', amount: 50, units: 1000 }),
      r({ id: 'b', amount: 30, units: 500, subsidy: 5 }),
      r({ id: 'c', market: 'storage', direction: 'earn', amount: 20, blockHeight: 12 }),
    ]);
    expect(s.balance).toBe(1000 - 50 - 30 + 5 + 20);
    expect(s.positions.compute).toMatchObject({ totalSpent: 80, unitsConsumed: 1500, subsidies: 5, receipts: 2 });
    expect(avgCostPerUnit(s.positions.compute)).toBeCloseTo(80 / 1500);
    expect(pnlSummary(s).byMarket).toEqual({ compute: -75, storage: 20, energy: 0, ad: 0 });
    expect(pnlSummary(s).total).toBe(-55);
    expect(s.lastHeight).toBe(12);
  });

  it('never mutates its input', () => {
    const s0 = initialAccounting(10);
    const s1 = applyReceipt(s0, r({}));
    expect(s0.balance).toBe(10);
    expect(s0.positions.compute.totalSpent).toBe(0);
    expect(s1.balance).toBe(-40);
  });

  it('rejects a negative or non-finite amount, naming the receipt', () => {
    expect(() => applyReceipt(initialAccounting(0), r({ id: 'bad', amount: -1 }))).toThrow(/receipt bad: amount/);
    expect(() => applyReceipt(initialAccounting(0), r({ amount: Number.NaN }))).toThrow(RangeError);
  });
});
