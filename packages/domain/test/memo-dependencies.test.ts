import fc from 'fast-check';
import {
  DISBURSEMENT_ID_PATTERN,
  STORED_DISBURSEMENT_ID_PATTERN,
  MAX_DEPENDENCIES,
  MEMO_MAX_BYTES,
  parseMemoDependencies,
  truncateUtf8,
  utf8ByteLength,
} from '../src';

const deps = (memo: unknown) => {
  const r = parseMemoDependencies(memo);
  if (!r.ok) throw new Error(`unexpected problem: ${r.problem}`);
  return r.dependsOn;
};
const problem = (memo: unknown) => {
  const r = parseMemoDependencies(memo);
  if (r.ok) throw new Error(`expected a problem, got ${JSON.stringify(r.dependsOn)}`);
  return r.problem;
};

describe('memo dependencies', () => {
  it('reads JSON {"depends_on": [...]}, strings and integer ids, duplicates removed in first-seen order', () => {
    expect(parseMemoDependencies('{"depends_on": ["a", "b", "a", 7]}')).toEqual({ ok: true, dependsOn: ['a', 'b', '7'], format: 'json' });
    expect(deps('  {"note": "rent", "depends_on": []}')).toEqual([]);
  });

  it('reads key-value depends_on=a,b,c inside other text, with spaces around commas', () => {
    expect(parseMemoDependencies('depends_on=1,2,3')).toEqual({ ok: true, dependsOn: ['1', '2', '3'], format: 'key-value' });
    expect(deps('payroll march; depends_on=a, b ,c; approved=yes')).toEqual(['a', 'b', 'c']);
    expect(deps('note=x depends_on: p.1,q-2 pay rent')).toEqual(['p.1', 'q-2']);
    // a dependency may name an item accepted before ':' was refused in new ids (the store says whether it exists)
    expect(deps('depends_on=a,q:2')).toEqual(['a', 'q:2']);
    expect(problem('depends_on=a,q!2')).toMatch(/"q!2" is not a valid id/);
    expect(deps('DEPENDS_ON=x\nother=1')).toEqual(['x']);
    expect(deps('depends_on=a,b&depends_on=b,c')).toEqual(['a', 'b', 'c']);
    expect(deps('depends_on=')).toEqual([]);
  });

  it('has no dependencies when the memo never mentions depends_on', () => {
    expect(parseMemoDependencies('monthly grant to the storage providers')).toEqual({ ok: true, dependsOn: [], format: 'none' });
    expect(parseMemoDependencies(undefined)).toEqual({ ok: true, dependsOn: [], format: 'none' });
    expect(deps('{not json at all}')).toEqual([]);
    expect(deps('')).toEqual([]);
  });

  it('refuses a mention it cannot read rather than losing a dependency', () => {
    expect(problem('{"depends_on": ["a",]}')).toMatch(/not valid JSON/);
    expect(problem('{"depends_on": "a,b"}')).toBe('"depends_on" must be an array of ids');
    expect(problem('{"depends_on": [1.5]}')).toMatch(/"depends_on"\[0\] must be an id string/);
    expect(problem('{"meta": {"depends_on": ["a"]}}')).toMatch(/no top-level "depends_on"/);
    expect(problem('["depends_on"]')).toBeDefined();
    expect(problem('this depends_on nothing')).toMatch(/not as depends_on=a,b,c/);
    expect(deps('depends_on=a,b c,d')).toEqual(['a', 'b']);
    expect(problem('depends_on=a,"b"')).toMatch(/dependency "\\"b\\"" is not a valid id/);
    expect(problem(42)).toBe('memo must be a string');
  });

  it('enforces 8 KiB and 100 dependencies, naming the limits', () => {
    expect(problem('x'.repeat(MEMO_MAX_BYTES + 1))).toBe(`memo is ${MEMO_MAX_BYTES + 1} bytes; at most 8192 bytes (8 KiB)`);
    expect(problem('é'.repeat(4097))).toMatch(/8194 bytes/); // bytes, not characters
    const ids = Array.from({ length: MAX_DEPENDENCIES + 1 }, (_, i) => `d${i}`);
    expect(problem(`depends_on=${ids.join(',')}`)).toBe('101 dependencies; at most 100');
    expect(deps(`depends_on=${[...ids.slice(0, 100), ...ids.slice(0, 100)].join(',')}`)).toHaveLength(100); // counted after de-duplication
  });

  it('never throws, and whatever it returns is well-formed (fuzzed)', () => {
    const idChars = fc.constantFrom(...'abcXYZ019_.:-'.split(''));
    const id = fc.string({ unit: idChars, minLength: 1, maxLength: 8 });
    const memo = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(...'depnds_o=,:;{}[]" \nab1'.split('')), maxLength: 200 }),
      fc.array(id, { maxLength: 120 }).map((l) => `depends_on=${l.join(',')}`),
      fc.array(fc.oneof(id, fc.integer(), fc.double(), fc.constant(null)), { maxLength: 30 }).map((l) => JSON.stringify({ depends_on: l })),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => `{"depends_on": ${JSON.stringify(v)}}`),
    );
    fc.assert(
      fc.property(memo, (m) => {
        const r = parseMemoDependencies(m);
        if (!r.ok) return typeof r.problem === 'string' && r.problem.length > 0 && r.dependsOn.length === 0;
        return (
          new Set(r.dependsOn).size === r.dependsOn.length &&
          r.dependsOn.length <= MAX_DEPENDENCIES &&
          r.dependsOn.every((d) => STORED_DISBURSEMENT_ID_PATTERN.test(d))
        );
      }),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.anything(), (v) => typeof parseMemoDependencies(v).ok === 'boolean'));
  });

  it('round-trips any id list through both forms (fuzzed)', () => {
    const id = fc.stringMatching(DISBURSEMENT_ID_PATTERN);
    fc.assert(
      fc.property(fc.array(id, { maxLength: 100 }), fc.constantFrom('json', 'kv', 'kv-spaced'), (list, form) => {
        const memo =
          form === 'json'
            ? JSON.stringify({ note: 'x', depends_on: list })
            : `batch 7; depends_on=${list.join(form === 'kv' ? ',' : ' , ')}; ok=1`;
        expect(deps(memo)).toEqual([...new Set(list)]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('utf-8 helpers', () => {
  it('counts bytes like TextEncoder and truncates without splitting a character (fuzzed)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.integer({ min: 0, max: 1200 }), (s, max) => {
        expect(utf8ByteLength(s)).toBe(enc.encode(s).length);
        const t = truncateUtf8(s, max);
        expect(s.startsWith(t)).toBe(true);
        expect(utf8ByteLength(t)).toBeLessThanOrEqual(max);
        // maximal: the next character would not fit
        if (t.length < s.length) {
          const next = s.codePointAt(t.length)!;
          expect(utf8ByteLength(t) + utf8ByteLength(String.fromCodePoint(next))).toBeGreaterThan(max);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
