import fc from 'fast-check';
import {
  amountProblem,
  asDecimal,
  formatUnits,
  MAX_AMOUNT_UNITS,
  MAX_JSON_NUMBER_TOKENS,
  parseAmount,
  unitsFromJsonNumber,
  unitsFromString,
  unitsOrProblem,
  unitsToJsonNumber,
} from '../src/money';

describe('money', () => {
  it('parses decimal strings into micro-token units exactly', () => {
    expect(parseAmount('7016.06')).toBe(7_016_060_000n);
    expect(parseAmount('0.000001')).toBe(1n);
    expect(parseAmount('-0.5', { allowNegative: true })).toBe(-500_000n);
    expect(parseAmount('5')).toBe(5_000_000n);
  });

  it('refuses more precision, negatives, junk and amounts beyond the max, naming the limit', () => {
    expect(amountProblem('0.0000001')).toBe('must have at most 6 decimals');
    expect(amountProblem('-1')).toBe('must not be negative');
    expect(amountProblem('1e3')).toMatch(/decimal string/);
    expect(amountProblem('')).toMatch(/decimal string/);
    expect(amountProblem(formatUnits(MAX_AMOUNT_UNITS + 1n))).toBe(`must be at most ${formatUnits(MAX_AMOUNT_UNITS)}`);
    expect(() => parseAmount('1.1234567')).toThrow('amount must have at most 6 decimals');
  });

  it('formats units canonically and round-trips', () => {
    expect(formatUnits(7_016_060_000n)).toBe('7016.06');
    expect(formatUnits(-500_000n)).toBe('-0.5');
    expect(formatUnits(0n)).toBe('0');
    for (const s of ['0.01', '123456789.123456', '-42', '1']) expect(formatUnits(parseAmount(s, { allowNegative: true }))).toBe(s);
  });

  it('converts JSON numbers from the node through their decimal form, never rounding', () => {
    expect(unitsFromJsonNumber(12.34)).toBe(12_340_000n);
    expect(unitsFromJsonNumber(0.3)).toBe(300_000n);
    expect(() => unitsFromJsonNumber(1e21)).toThrow(/at most/);
  });

  it('refuses JSON numbers with more precision than a unit', () => {
    expect(() => unitsFromJsonNumber(1e-7)).toThrow(/more than 6 decimals/);
    expect(() => unitsFromJsonNumber(0.1 + 0.2)).toThrow(/more than 6 decimals/);
    expect(() => unitsFromJsonNumber(Number.NaN)).toThrow(/finite/);
  });

  it('reads integer unit strings strictly', () => {
    expect(unitsFromString('-123')).toBe(-123n);
    expect(() => unitsFromString('1.5')).toThrow(/integer count/);
  });

  it('reads JSON numbers exactly up to 2^33 tokens, and refuses beyond (doubles there cannot tell units apart)', () => {
    expect(unitsFromJsonNumber(-7016.06, { allowNegative: true })).toBe(-7_016_060_000n);
    expect(() => unitsFromJsonNumber(-1)).toThrow(/negative/);
    expect(unitsFromJsonNumber(999_999_999.999999)).toBe(999_999_999_999_999n);
    expect(unitsFromJsonNumber(8_589_934_591.999999)).toBe(8_589_934_591_999_999n);
    expect(() => unitsFromJsonNumber(MAX_JSON_NUMBER_TOKENS)).toThrow(/decimal strings/);
    expect(() => unitsFromJsonNumber(123_456_789_012.12)).toThrow(/at most 8589934592 as a number/);
    // every 2-decimal amount the devnet writes, across the range, reads back as written
    for (let cents = 0; cents < 200_000; cents += 7) expect(unitsFromJsonNumber(cents / 100)).toBe(BigInt(cents) * 10_000n);
  });

  it('sends units as a JSON number only when it reads back exactly', () => {
    expect(unitsToJsonNumber(12_340_000n)).toBe(12.34);
    expect(unitsToJsonNumber(1n)).toBe(0.000001);
    expect(() => unitsToJsonNumber(MAX_AMOUNT_UNITS - 1n)).toThrow(/cannot be sent exactly/);
  });

  it('asDecimal turns every bigint of a plain value into its decimal string, leaving the rest', () => {
    const value = { total: -500_000n, byMarket: { compute: 7_016_060_000n }, list: [1n, 'x', 2], n: 3, none: null, at: undefined };
    expect(asDecimal(value)).toEqual({
      total: '-0.5',
      byMarket: { compute: '7016.06' },
      list: ['0.000001', 'x', 2],
      n: 3,
      none: null,
      at: undefined,
    });
    expect(value.total).toBe(-500_000n); // not modified
    expect(asDecimal(Object.assign(Object.create(null) as object, { a: 1n }))).toEqual({ a: '0.000001' }); // as Redis clients return hashes
  });
});

describe('unitsOrProblem', () => {
  it('agrees with parseAmount / amountProblem on every input (fuzzed)', () => {
    const amount = fc.oneof(
      fc.stringMatching(/^-?\d{1,22}(\.\d{1,8})?$/),
      fc.string({ unit: fc.constantFrom(...'0123456789.-e '.split('')), maxLength: 20 }),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(amount, (text) => {
        const u = unitsOrProblem(text);
        const problem = amountProblem(text);
        if (problem) expect(u).toBe(problem);
        else expect(u).toBe(parseAmount(text));
      }),
      { numRuns: 5000 },
    );
  });
});
