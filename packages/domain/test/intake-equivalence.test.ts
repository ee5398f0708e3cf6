import fc from 'fast-check';
import { MAX_DEPENDENCIES, reverseCsr, toCsr, validateBatch, type IntakeLookup } from '../src';
import { memoDependencies } from '../src/treasury/memo-dependencies';
import { validateBatch as referenceValidateBatch } from './support/reference/batch-validation';
import { memoDependencies as referenceMemoDependencies } from './support/reference/memo-dependencies';

// The intake was rewritten for speed (ids interned in typed arrays, dependencies as memo spans);
// the straightforward version it replaced is the oracle: same issues, same order, same items.

const ids = ['a', 'b', 'c', 'd', 'e', 'batches', 'x.1', 'Y:2', 'bad id', '', 'é', 'z'.repeat(65), '7'];
const id = fc.constantFrom(...ids);
const separator = fc.constantFrom(',', ', ', ' ,', ',,', ' ');
const depList = fc
  .array(id, { maxLength: 12 })
  .chain((list) =>
    fc
      .array(separator, { minLength: list.length, maxLength: list.length })
      .map((seps) => list.map((d, k) => `${k ? seps[k] : ''}${d}`).join('')),
  );
const memo = fc.oneof(
  depList.map((l) => `depends_on=${l}`),
  fc
    .tuple(
      fc.constantFrom('pay ', 'DEPENDS_ON:', 'x; depends_on = ', 'predepends_on=', 'depends_on '),
      depList,
      fc.constantFrom('', '; note', ' depends_on=a', '&Depends_On=b'),
    )
    .map((p) => p.join('')),
  fc.array(fc.oneof(id, fc.nat({ max: 9 }), fc.constant(1.5)), { maxLength: 6 }).map((l) => JSON.stringify({ depends_on: l })),
  fc.constantFrom('{"depends_on": "a"}', '{"depends_on": [', ' {"Depends_On": ["a"], "depends_on": ["b", "a"]}', '["depends_on"]', 'rent'),
  fc.constant(`depends_on=${Array.from({ length: MAX_DEPENDENCIES + 1 }, (_, k) => `d${k}`).join(',')}`),
  fc.constant(`depends_on=${Array.from({ length: MAX_DEPENDENCIES + 1 }, (_, k) => `d${k % 50}`).join(',')}`),
  fc.string({ maxLength: 40 }),
  fc.constant('x'.repeat(8193)),
  fc.constant(7),
);
const item = fc.record(
  {
    id: fc.oneof(id, fc.constant(12)),
    destination: fc.constantFrom('0xabcd', '0x0000', '0xABCDEF0123', 'nowhere', 5),
    amount: fc.constantFrom('1.5', '0', '-1', '0.000001', '1.0000001', '12', 12.5, '999999999999999999.9', '1e3'),
    memo: memo,
    colour: fc.constant('red'),
  },
  { requiredKeys: [] },
);
const batch = fc.record(
  {
    batchId: fc.oneof(id, fc.constant(3)),
    items: fc.array(fc.oneof({ weight: 9, arbitrary: item }, { weight: 1, arbitrary: fc.constant('junk') }), { maxLength: 14 }),
    extra: fc.constant(1),
  },
  { requiredKeys: ['items'] },
);
const lookup = (used: string[]): IntakeLookup => ({ idUsed: (i) => used.includes(i), batchUsed: (b) => used.includes(b) });

describe('the rewritten intake answers exactly as the reference one', () => {
  it('validateBatch: the same issues in the same order, the same items, levels and totals (fuzzed)', () => {
    fc.assert(
      fc.property(batch, fc.subarray(ids), (body, used) => {
        const expected = referenceValidateBatch(body, lookup(used));
        const actual = validateBatch(structuredClone(body), lookup(used));
        expect(actual).toEqual(expected);
        if (expected.ok)
          expect(JSON.stringify(actual, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toBe(
            JSON.stringify(expected, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
          );
        else expect(JSON.stringify(actual)).toBe(JSON.stringify(expected)); // key order too: it is the API's answer
      }),
      { numRuns: 2000 },
    );
  });

  it('memoDependencies: the same ids or the same problem on any string, ids checked or not (fuzzed)', () => {
    const anyMemo = fc.oneof(
      memo,
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...'depnsoDEPNSO_=:,; {}[]"a1'.split('')), maxLength: 60 }),
    );
    fc.assert(
      fc.property(anyMemo, fc.boolean(), (m, checkIds) => {
        expect(memoDependencies(m, { checkIds })).toEqual(referenceMemoDependencies(m, { checkIds }));
      }),
      { numRuns: 5000 },
    );
  });

  it('reverseCsr lists each dependency’s dependents in ascending order (fuzzed)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) => fc.array(fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 5 }), { minLength: n, maxLength: n })),
        (rows) => {
          const n = rows.length;
          const r = reverseCsr(n, toCsr(n, rows));
          const expected = Array.from({ length: n }, (_, d) => rows.flatMap((row, i) => (row.includes(d) ? [i] : [])));
          expect(Array.from({ length: n }, (_, d) => [...r.list.subarray(r.start[d], r.start[d + 1])])).toEqual(expected);
        },
      ),
    );
  });
});
