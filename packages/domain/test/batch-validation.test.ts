import fc from 'fast-check';
import {
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
  MEMO_MAX_BYTES,
  analyseDependencies,
  formatUnits,
  toCsr,
  validateBatch,
  type BatchValidation,
  type IntakeLookup,
} from '../src';

const none: IntakeLookup = { idUsed: () => false, batchUsed: () => false };
const item = (id: string, memo?: string, amount = '1.5') => ({ id, destination: '0xabcd01', amount, ...(memo ? { memo } : {}) });
const rejected = (v: BatchValidation) => {
  if (v.ok) throw new Error('expected the batch to be rejected');
  return v;
};

describe('batch validation', () => {
  it('accepts a valid batch: exact amounts, dependencies, levels, chain memo truncated to 1,024 bytes', () => {
    const long = `depends_on=a ${'é'.repeat(600)}`;
    const v = validateBatch(
      { batchId: 'b-1', items: [item('a'), item('b', 'depends_on=a', '0.000001'), item('c', long, '7016.060')] },
      none,
    );
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    expect(v.totalUnits).toBe(1_500_000n + 1n + 7_016_060_000n);
    expect(v.levels).toBe(2);
    expect(v.items.map((i) => [i.id, i.level, i.dependsOn, formatUnits(i.units)])).toEqual([
      ['a', 0, [], '1.5'],
      ['b', 1, ['a'], '0.000001'],
      ['c', 1, ['a'], '7016.06'],
    ]);
    expect(Buffer.byteLength(v.items[2]!.chainMemo!)).toBeLessThanOrEqual(1024);
    expect(v.items[2]!.memo).toBe(long);
  });

  it('reports every problem with the item id and field, not the first', () => {
    const v = rejected(
      validateBatch(
        {
          batchId: 'bad batch',
          extra: 1,
          items: [
            item('a'),
            item('a'),
            { id: 'b', destination: 'nowhere', amount: 12.5 },
            { id: 'c', destination: '0x0000', amount: '-1', memo: 'depends_on=c' },
            { id: 'd', destination: '0xabcd', amount: '1.0000001', memo: 'depends_on=zz', colour: 'red' },
            { destination: '0xabcd', amount: '0' },
            'junk',
            item('batches'),
          ],
        },
        none,
      ),
    );
    expect(v.conflictOnly).toBe(false);
    expect(v.issues).toEqual(
      expect.arrayContaining([
        { field: 'extra', message: 'unknown field (allowed: batchId, items)' },
        { field: 'batchId', message: expect.stringContaining('1–64 characters') },
        { id: 'a', field: 'items[1].id', message: 'duplicate id: also items[0]' },
        { id: 'b', field: 'items[2].destination', message: expect.stringContaining('0x followed by 4–64 hex digits') },
        { id: 'b', field: 'items[2].amount', message: 'must be a decimal string like "12.34" (got the number "12.5")' },
        { id: 'c', field: 'items[3].destination', message: expect.stringContaining('zero address') },
        { id: 'c', field: 'items[3].amount', message: 'must not be negative' },
        { id: 'd', field: 'items[4].amount', message: 'must have at most 6 decimals' },
        { id: 'd', field: 'items[4].colour', message: expect.stringContaining('unknown field') },
        // an item with other problems still has its dependencies checked
        { id: 'd', field: 'items[4].memo', message: 'depends on "zz", which is neither in this batch nor accepted earlier' },
        { field: 'items[5].id', message: expect.stringContaining('is required') },
        { field: 'items[5].amount', message: 'must be greater than 0' },
        { field: 'items[6]', message: expect.stringContaining('must be an object') },
        { id: 'batches', field: 'items[7].id', message: '"batches" is reserved (it names an API path); use another id' },
      ]),
    );
  });

  it('refuses ":" in item and batch ids (the store names its keys with it), naming the rule', () => {
    const v = rejected(validateBatch({ batchId: 'k:it', items: [item('x:dn'), item('y')] }, none));
    expect(v.issues).toEqual([
      { field: 'batchId', message: 'must be 1–64 characters of letters, digits, _ . - (got "k:it")' },
      { field: 'items[0].id', message: 'must be 1–64 characters of letters, digits, _ . - (got "x:dn")' },
    ]);
    // an item accepted before ':' was refused can still be depended on (looked up like any earlier item)
    const known: IntakeLookup = { idUsed: (id) => id === 'old:1', batchUsed: () => false };
    expect(validateBatch({ items: [item('n', 'depends_on=old:1')] }, known)).toMatchObject({ ok: true });
    expect(rejected(validateBatch({ items: [item('n', 'depends_on=old:2')] }, none)).issues).toEqual([
      expect.objectContaining({ id: 'n', message: expect.stringContaining('"old:2"') }),
    ]);
  });

  it('reports an object’s unknown fields in one issue, however many, names cut to 64 characters', () => {
    const junk: Record<string, number> = {};
    for (let k = 0; k < 200; k++) junk[`k${k}`] = k;
    const long = 'x'.repeat(1000);
    const v = rejected(validateBatch({ [long]: 1, other: 2, items: [{ ...item('a'), ...junk }] }, none));
    expect(v.issues).toEqual([
      { field: `${'x'.repeat(64)}…`, message: 'unknown field, and 1 more: "other" (allowed: batchId, items)' },
      {
        id: 'a',
        field: 'items[0].k0',
        message: 'unknown field, and 199 more: "k1", "k2", "k3", "k4", … 195 others (allowed: id, destination, amount, memo)',
      },
    ]);
  });

  it('rejects self-dependencies, unknown dependencies and every cycle, named by its path', () => {
    const v = rejected(
      validateBatch(
        {
          items: [
            item('s', 'depends_on=s'),
            item('u', 'depends_on=ghost,old'),
            item('x', 'depends_on=y'),
            item('y', '{"depends_on":["z"]}'),
            item('z', 'depends_on=x'),
            item('after', 'depends_on=z'), // downstream of a cycle: covered by it, not reported again
            item('p', 'depends_on=q'),
            item('q', 'depends_on=p'),
          ],
        },
        { idUsed: (id) => id === 'old', batchUsed: () => false },
      ),
    );
    expect(v.issues).toEqual([
      { id: 's', field: 'items[0].memo', message: 'depends on itself' },
      { id: 'x', field: 'items[2].memo', message: 'dependency cycle: x → y → z → x', path: ['x', 'y', 'z', 'x'] },
      { id: 'p', field: 'items[6].memo', message: 'dependency cycle: p → q → p', path: ['p', 'q', 'p'] },
      { id: 'u', field: 'items[1].memo', message: 'depends on "ghost", which is neither in this batch nor accepted earlier' },
    ]);
  });

  it('a dependency on an item of the batch that has its own problem is not called unknown', () => {
    const v = rejected(validateBatch({ items: [item('a', undefined, 'x'), item('b', 'depends_on=a')] }, none));
    expect(v.issues).toEqual([{ id: 'a', field: 'items[0].amount', message: expect.stringContaining('decimal string') }]);
  });

  it('reuse alone is a conflict (409); with other problems it is listed among them (400)', () => {
    const used: IntakeLookup = { idUsed: (id) => id === 'a', batchUsed: (b) => b === 'b-1' };
    const only = rejected(validateBatch({ batchId: 'b-1', items: [item('a'), item('b')] }, used));
    expect(only.conflictOnly).toBe(true);
    expect(only.conflicts).toEqual({ batchId: 'b-1', ids: ['a'] });
    const mixed = rejected(validateBatch({ items: [item('a'), item('b', undefined, '0')] }, used));
    expect(mixed.conflictOnly).toBe(false);
    expect(mixed.issues.map((i) => i.field)).toEqual(['items[1].amount', 'items[0].id']);
  });

  it('a dependency accepted in an earlier batch is known', () => {
    expect(validateBatch({ items: [item('n', 'depends_on=old')] }, { idUsed: (id) => id === 'old', batchUsed: () => false }).ok).toBe(true);
  });

  it('limits the batch to 10,000 items and at least 1, naming the limit', () => {
    expect(rejected(validateBatch({ items: [] }, none)).issues).toEqual([{ field: 'items', message: 'must hold at least 1 disbursement' }]);
    const big = Array.from({ length: 10_001 }, (_, i) => item(`i${i}`));
    expect(rejected(validateBatch({ items: big }, none)).issues).toEqual([
      { field: 'items', message: 'holds 10001 disbursements; at most 10,000' },
    ]);
    expect(rejected(validateBatch([], none)).issues[0]!.field).toBe('(body)');
  });
});

it('the intake body limit fits 10,000 items with 8 KiB memos and every field at its limit', () => {
  const worst = {
    id: 'i'.repeat(64),
    destination: `0x${'f'.repeat(64)}`,
    amount: `${'9'.repeat(15)}.999999`,
    memo: `${'m'.repeat(MEMO_MAX_BYTES - 40)}; depends_on=${'d'.repeat(20)}`,
  };
  const bytes = Buffer.byteLength(JSON.stringify({ batchId: 'b'.repeat(64), items: [worst] })) * MAX_BATCH_ITEMS;
  expect(bytes).toBeLessThan(MAX_BATCH_BODY_BYTES);
});

describe('dependency analysis', () => {
  it('orders any DAG so that every item comes after its dependencies, at 1 + its deepest dependency (fuzzed)', () => {
    const dag = fc.integer({ min: 1, max: 60 }).chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc
          .array(fc.array(fc.nat(), { maxLength: 5 }), { minLength: n, maxLength: n })
          .map((rows) => rows.map((r, i) => [...new Set(r.filter(() => i > 0).map((x) => x % Math.max(i, 1)))])),
      ),
    );
    fc.assert(
      fc.property(dag, ([n, rows]) => {
        const { levels, order, cycles } = analyseDependencies(n, toCsr(n, rows));
        expect(cycles).toEqual([]);
        const pos = new Int32Array(n);
        order.forEach((v, i) => (pos[v] = i));
        for (let i = 0; i < n; i++) {
          for (const d of rows[i]!) expect(pos[d]).toBeLessThan(pos[i]!);
          expect(levels[i]).toBe(rows[i]!.length ? Math.max(...rows[i]!.map((d) => levels[d]!)) + 1 : 0);
        }
      }),
    );
  });

  it('finds one real cycle per strongly connected component (fuzzed)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 30 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.array(fc.array(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n })),
          ),
        ([n, raw]) => {
          const rows = raw.map((r, i) => [...new Set(r.filter((d) => d !== i))]);
          const { cycles, order } = analyseDependencies(n, toCsr(n, rows));
          const members = new Set<number>();
          for (const c of cycles) {
            expect(c[0]).toBe(c[c.length - 1]);
            for (let k = 0; k + 1 < c.length; k++) expect(rows[c[k]!]).toContain(c[k + 1]); // each depends on the next
            for (const v of c.slice(0, -1)) {
              expect(members.has(v)).toBe(false);
              members.add(v);
            }
          }
          // acyclic iff everything was ordered
          expect(cycles.length === 0).toBe(order.length === n);
        },
      ),
    );
  });
});
