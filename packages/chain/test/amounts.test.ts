/** Money at the edge: the node's amounts become bigint units, or the answer is a bad_response. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { formatUnits } from '@blockops/domain';
import { ChainError, createChainClient, receiptSchema } from '../src';
import * as schemas from '../src/schemas';
import { check } from '../src/validate';

const receipt = (over: Record<string, unknown> = {}) => ({
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
  operation_id: 'op-1',
  estimated_cost: 13,
  ...over,
});

describe('amounts in node answers', () => {
  it('accepts JSON numbers and decimal strings, converting both to units', () => {
    const r = check(receiptSchema, receipt({ amount: '7016.06', subsidy: 0.01, estimated_cost: '1000000000000' }));
    expect(r.ok && r.value).toMatchObject({ amount: 7_016_060_000n, subsidy: 10_000n, estimated_cost: 10n ** 18n });
  });

  it('refuses more precision than a unit, naming the field and the limit', () => {
    expect(check(receiptSchema, receipt({ amount: 1.0000001 }))).toEqual({
      ok: false,
      path: 'amount',
      message: 'amount has more than 6 decimals (got 1.0000001)',
    });
    expect(check(receiptSchema, receipt({ estimated_cost: '0.1234567' }))).toMatchObject({ ok: false, path: 'estimated_cost' });
    expect(check(receiptSchema, receipt({ amount: '-1' }))).toMatchObject({
      ok: false,
      path: 'amount',
      message: 'amount must not be negative',
    });
    expect(check(receiptSchema, receipt({ amount: '1000000000000.000001' }))).toMatchObject({
      ok: false,
      message: /at most 1000000000000/,
    });
  });

  it('refuses a JSON number too large to be read exactly; the same amount as a string is fine', () => {
    expect(check(receiptSchema, receipt({ amount: 9_000_000_000.5 }))).toMatchObject({ ok: false, message: /decimal strings/ });
    expect(check(receiptSchema, receipt({ amount: '9000000000.5' }))).toMatchObject({
      ok: true,
      value: { amount: 9_000_000_000_500_000n },
    });
  });

  it('balances may be negative; costs may not', () => {
    expect(check(schemas.ledgerBalanceSchema, { account: 'a', balance: -12.3 })).toEqual({
      ok: true,
      value: { account: 'a', balance: -12_300_000n },
    });
    expect(check(schemas.txStatusSchema, { operation_id: 'o', status: 'confirmed', actual_cost: -1 }).ok).toBe(false);
  });

  it('the compiled path and zod agree on every amount (random 2- to 7-decimal numbers)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8_000_000_000 }),
        fc.integer({ min: 0, max: 9_999_999 }),
        fc.integer({ min: 0, max: 7 }),
        (i, f, d) => {
          const amount = Number(`${i}.${String(f).padStart(7, '0').slice(0, d) || '0'}`);
          const fast = check(receiptSchema, receipt({ amount }));
          const slow = receiptSchema.safeParse(receipt({ amount }));
          expect(fast.ok).toBe(slow.success);
          if (fast.ok && slow.success) {
            expect(fast.value.amount).toBe(slow.data.amount);
            expect(Number(formatUnits(fast.value.amount))).toBe(amount);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the client converts at the edge', () => {
  // a stand-in node in this process, answering each method with a canned reply
  let server: http.Server;
  let replies: Record<string, unknown> = {};
  const sent: unknown[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const call = JSON.parse(body) as { id: number; method: string; params: unknown };
        sent.push(call.params);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, ...(replies[call.method] as object) }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const client = () => createChainClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, readRetries: 0 });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ChainError,
    );

  it('a receipt page with a 7-decimal amount is a bad_response naming the receipt field, never rounded', async () => {
    replies = {
      'receipt.audit': {
        result: {
          receipts: [receipt(), receipt({ id: 'r-2', amount: 3.1415926 })],
          total: 2,
          limit: 10,
          offset: 0,
          to_height: 12,
          next_offset: null,
        },
      },
    };
    const err = await failure(client().receipt.audit({ limit: 10 }));
    expect(err).toBeInstanceOf(ChainError);
    expect(err).toMatchObject({ errorClass: 'storage', reason: 'bad_response' });
    expect(err!.message).toBe(
      'receipt.audit: unexpected result shape (receipts.1.amount: amount has more than 6 decimals (got 3.1415926))',
    );
  });

  it('a good page arrives with bigint amounts', async () => {
    replies = {
      'receipt.audit': {
        result: { receipts: [receipt({ amount: 0.07 })], total: 1, limit: 10, offset: 0, to_height: 12, next_offset: null },
      },
    };
    expect((await client().receipt.audit()).receipts[0]).toMatchObject({ amount: 70_000n, estimated_cost: 13_000_000n });
  });

  it('the amounts of an insufficient-balance refusal are converted too, or the refusal is a bad_response', async () => {
    const submit = { operation_id: 'o', account: 'a', estimated_cost: 5_250_000n };
    replies = { 'storage.put': { error: { code: -33001, message: 'insufficient balance', data: { need: 5.25, available: 1.5 } } } };
    expect(await failure(client().storage.put(submit))).toMatchObject({
      errorClass: 'cancelled',
      reason: 'insufficient_balance',
      data: { need: 5_250_000n, available: 1_500_000n },
    });
    expect(sent.at(-1)).toMatchObject({ estimated_cost: 5.25 }); // sent as the JSON number the node takes
    replies = { 'storage.put': { error: { code: -33001, message: 'insufficient balance', data: { need: 5.25, available: 1.0000001 } } } };
    expect(await failure(client().storage.put(submit))).toMatchObject({ errorClass: 'storage', reason: 'bad_response' });
  });

  it('an amount a JSON number cannot carry exactly is refused before anything is sent', async () => {
    const before = sent.length;
    const err = await failure(client().energy.trade({ operation_id: 'o', account: 'a', estimated_cost: 123_456_789_012_345_678n }));
    expect(err).toMatchObject({ errorClass: 'cancelled', reason: 'invalid_params' });
    expect(err!.message).toMatch(/estimated_cost: amount 123456789012.345678 cannot be sent exactly/);
    expect(sent.length).toBe(before);
  });
});
