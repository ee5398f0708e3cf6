import type { z } from 'zod';
import * as schemas from '../src/schemas';
import { check, isCompiled } from '../src/validate';

const resultSchemas = Object.entries(schemas).filter(([name]) => name.endsWith('Schema')) as Array<[string, z.ZodType]>;

const receipt = {
  id: 'r-1',
  market: 'compute',
  block_height: 12,
  timestamp: 1764000000000,
  provider: 'prov-1',
  consumer: 'acct-1',
  amount: 12.5,
  units: 3,
  subsidy: 0,
  status: 'settled',
  operation_id: null,
  estimated_cost: null,
};
const page = { receipts: [receipt], total: 1, limit: 1000, offset: 0, to_height: 12, next_offset: null };

test.each(resultSchemas)('%s validates on the compiled path', (_name, schema) => {
  expect(isCompiled(schema)).toBe(true);
});

test('a valid page is returned as is, not copied (its amounts converted in place)', () => {
  const fresh = structuredClone(page);
  const r = check(schemas.receiptAuditSchema, fresh);
  expect(r.ok && r.value).toBe(fresh);
  expect(r.ok && r.value.receipts[0]).toMatchObject({ amount: 12_500_000n, subsidy: 0n, estimated_cost: null });
});

test('fields a newer node adds are kept', () => {
  const withExtra = structuredClone({ ...page, receipts: [{ ...receipt, fee_token: 'BLOCK' }] });
  const r = check(schemas.receiptAuditSchema, withExtra);
  expect(r.ok && r.value.receipts[0]).toHaveProperty('fee_token', 'BLOCK');
});

test.each([
  ['a negative amount', { amount: -1 }, 'receipts.0.amount'],
  ['a fractional height', { block_height: 1.5 }, 'receipts.0.block_height'],
  ['an unknown market', { market: 'gas' }, 'receipts.0.market'],
  ['a missing id', { id: undefined }, 'receipts.0.id'],
  ['an amount that is neither number nor string', { amount: true }, 'receipts.0.amount'],
  ['a string amount that is not a decimal', { amount: '12,5' }, 'receipts.0.amount'],
  ['an amount with more precision than a unit', { amount: 12.1234567 }, 'receipts.0.amount'],
  ['a subsidy with float residue', { subsidy: 0.1 + 0.2 }, 'receipts.0.subsidy'],
])('%s is refused with zod’s path and message', (_what, patch, path) => {
  const bad = structuredClone({ ...page, receipts: [{ ...receipt, ...patch }] });
  const r = check(schemas.receiptAuditSchema, bad);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.path).toBe(path);
    expect(r.message.length).toBeGreaterThan(0);
  }
});

test('nullable and optional fields follow the schema', () => {
  expect(check(schemas.txStatusSchema, { operation_id: 'op-1', status: 'unknown' }).ok).toBe(true);
  expect(check(schemas.txStatusSchema, { operation_id: 'op-1', status: 'confirmed', block_height: null, actual_cost: 3 })).toEqual({
    ok: true,
    value: { operation_id: 'op-1', status: 'confirmed', block_height: null, actual_cost: 3_000_000n },
  });
  expect(check(schemas.txStatusSchema, { operation_id: 'op-1', status: 'lost' }).ok).toBe(false);
  expect(
    check(schemas.devFaultsSchema, {
      'receipt.audit': { error_rate: 0.1, error_code: -32000, latency_ms: 0, timeout_rate: 0, injected: 2 },
    }).ok,
  ).toBe(true);
  expect(
    check(schemas.devFaultsSchema, { 'receipt.audit': { error_rate: -1, error_code: -32000, latency_ms: 0, timeout_rate: 0, injected: 0 } })
      .ok,
  ).toBe(false);
});
