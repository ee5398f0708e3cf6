import { applyReceipt, applyReceipts, avgCostPerUnit, initialAccounting, parseAmount, pnlSummary, type AccountingReceipt } from '../src';

const t = (s: string) => parseAmount(s, { allowNegative: true });
const r = (over: Partial<AccountingReceipt>): AccountingReceipt => ({
  id: 'r1',
  market: 'compute',
  blockHeight: 10,
  timestamp: 1,
  direction: 'spend',
  amount: t('50'),
  units: 1000,
  ...over,
});

describe('accounting', () => {
  it('starts at the starting balance with empty positions', () => {
    const s = initialAccounting(t('100000'));
    expect(pnlSummary(s)).toEqual({
      total: 0n,
      byMarket: { compute: 0n, storage: 0n, energy: 0n, ad: 0n },
      balance: { starting: t('100000'), current: t('100000') },
      receiptsProcessed: 0,
    });
  });

  it('spends, earns and credits subsidies per market, exactly', () => {
    const s = applyReceipts(initialAccounting(t('1000')), [
      r({ id: 'a', amount: t('50.1'), units: 1000 }),
      r({ id: 'b', amount: t('30.2'), units: 500, subsidy: t('5.3') }),
      r({ id: 'c', market: 'storage', direction: 'earn', amount: t('20.000001'), blockHeight: 12 }),
    ]);
    expect(s.balance).toBe(t('945.000001')); // 1000 − 50.1 − 30.2 + 5.3 + 20.000001, no float residue
    expect(s.positions.compute).toMatchObject({ totalSpent: t('80.3'), unitsConsumed: 1500, subsidies: t('5.3'), receipts: 2 });
    expect(avgCostPerUnit(s.positions.compute)).toBe(t('0.053533')); // 80.3 / 1500 = 0.0535333…, half up
    expect(pnlSummary(s).byMarket).toEqual({ compute: t('-75'), storage: t('20.000001'), energy: 0n, ad: 0n });
    expect(pnlSummary(s).total).toBe(t('-54.999999'));
    expect(s.lastHeight).toBe(12);
    expect(s.receiptsProcessed).toBe(3);
  });

  it('0.1 + 0.2 is 0.3', () => {
    const s = applyReceipts(initialAccounting(0n), [
      r({ id: 'a', direction: 'earn', amount: t('0.1') }),
      r({ id: 'b', direction: 'earn', amount: t('0.2') }),
    ]);
    expect(s.balance).toBe(t('0.3'));
  });

  it('rounds the average cost per unit half up to the micro-token', () => {
    const p = (spent: string, units: number) => ({
      ...initialAccounting(0n).positions.compute,
      totalSpent: t(spent),
      unitsConsumed: units,
    });
    expect(avgCostPerUnit(p('0.000001', 2))).toBe(1n); // 0.5 µ → 1
    expect(avgCostPerUnit(p('0.000001', 3))).toBe(0n); // 0.33 µ → 0
    expect(avgCostPerUnit(p('10', 4))).toBe(t('2.5'));
    expect(avgCostPerUnit(p('10', 0))).toBe(0n);
  });

  it('never mutates its input', () => {
    const s0 = initialAccounting(t('10'));
    const s1 = applyReceipt(s0, r({}));
    expect(s0.balance).toBe(t('10'));
    expect(s0.positions.compute.totalSpent).toBe(0n);
    expect(s1.balance).toBe(t('-40'));
  });

  it('rejects a negative, oversized or non-bigint amount, naming the receipt and the field', () => {
    expect(() => applyReceipt(initialAccounting(0n), r({ id: 'bad', amount: -1n }))).toThrow(/receipt bad: amount must be from 0/);
    expect(() => applyReceipt(initialAccounting(0n), r({ id: 'big', amount: 10n ** 18n + 1n }))).toThrow(/receipt big: amount/);
    expect(() => applyReceipt(initialAccounting(0n), r({ amount: 12.5 as never }))).toThrow(/must be a bigint/);
    expect(() => applyReceipt(initialAccounting(0n), r({ id: 's', subsidy: -5n }))).toThrow(/receipt s: subsidy/);
    expect(() => initialAccounting(100 as never)).toThrow(/startingBalance/);
  });
});
