/**
 * The devnet treasury as a real process: batch submits, per-executor rising nonces, exact balance,
 * the payment log that proves "paid once", refused destinations.
 */
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '@blockops/stack';

const root = path.resolve(__dirname, '../../..');
let devnet: Stack;
let url: string;

beforeAll(async () => {
  devnet = await startStack({
    root,
    dataDir: path.join(os.tmpdir(), `blockops-devnet-${randomUUID()}`),
    services: ['devnet'],
    ports: { devnet: 0 },
    output: 'files',
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '11'],
  });
  url = devnet.urls.devnet!;
});
afterAll(() => devnet?.stop());

type Reply = { id?: number; result?: any; error?: { code: number; message: string; data?: any } };
async function post(body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}
const rpc = (method: string, params?: unknown): Promise<Reply> => post({ jsonrpc: '2.0', id: 1, method, params });
const batch = (calls: { method: string; params: unknown }[]): Promise<Reply[]> =>
  post(calls.map((c, i) => ({ jsonrpc: '2.0', id: i + 1, ...c })));

const intent = (id: string, executor: string, nonce: number, amount: string | number = '1.25') => ({
  method: 'treasury.submit_disbursement',
  params: { disbursement_id: id, executor, nonce, destination: '0xabcdef01', amount, signature: 'sig' },
});

test('a JSON-RPC batch of 1,000 disbursements over 10 executors: each executed once, the balance debited exactly', async () => {
  await rpc('dev.set_treasury', { balance: '100000.000001' });
  const run = randomUUID().slice(0, 8);
  const calls = Array.from({ length: 1000 }, (_, i) => intent(`${run}-${i}`, `${run}-ex${i % 10}`, Math.floor(i / 10) + 1, '0.01'));
  const replies = await batch(calls);
  expect(replies).toHaveLength(1000);
  expect(replies.every((r) => r.result?.status === 'executed')).toBe(true);
  // 1,000 × 0.01 is exactly 10: no float residue
  expect((await rpc('treasury.balance')).result.balance).toBe('99990.000001');
  // the same batch again: answered with the first results, nothing paid twice
  const again = await batch(calls);
  expect(again.map((r) => r.result?.tx_hash)).toEqual(replies.map((r) => r.result?.tx_hash));
  const log = (await rpc('dev.treasury_payments', { disbursement_ids: calls.map((c) => c.params.disbursement_id), limit: 10_000 })).result;
  expect(log.total).toBe(1000);
  expect(log.total_paid).toBe('10');
  expect(new Set(log.payments.map((p: { disbursement_id: string }) => p.disbursement_id)).size).toBe(1000);
  // the log is in payment order
  const seqs = log.payments.map((p: { seq: number }) => p.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  const nonces = (await rpc('treasury.balance')).result.nonces;
  for (let e = 0; e < 10; e++) expect(nonces[`${run}-ex${e}`]).toBe(100);
});

test('each executor has its own rising sequence: a later nonce accepted first turns the earlier one into a nonce conflict', async () => {
  const run = randomUUID().slice(0, 8);
  const [late, early, other] = await batch([
    intent(`${run}-a`, `${run}-e1`, 5),
    intent(`${run}-b`, `${run}-e1`, 4),
    intent(`${run}-c`, `${run}-e2`, 1),
  ]);
  expect(late!.result.status).toBe('executed');
  expect(early!.error).toMatchObject({ code: -33002, data: { nonce: 4, last_nonce: 5 } });
  expect(other!.result.status).toBe('executed'); // another executor: its own sequence
  // an executed id resent with another nonce is a conflict, not a second payment
  const moved = await rpc('treasury.submit_disbursement', intent(`${run}-a`, `${run}-e1`, 6).params);
  expect(moved.error).toMatchObject({ code: -33002 });
  expect(moved.error!.message).toContain('already executed with nonce 5');
  expect((await rpc('dev.treasury_payments', { disbursement_ids: [`${run}-a`, `${run}-b`] })).result.total).toBe(1);
});

test('amounts are exact decimal strings or numbers; more precision than a unit is refused, naming the param', async () => {
  const run = randomUUID().slice(0, 8);
  const fine = await rpc('treasury.submit_disbursement', intent(`${run}-n`, `${run}-e`, 1, 0.1).params);
  expect(fine.result.status).toBe('executed');
  const precise = await rpc('treasury.submit_disbursement', intent(`${run}-p`, `${run}-e`, 2, '0.0000001').params);
  expect(precise.error).toMatchObject({ code: -32602, data: { param: 'amount' } });
  expect(precise.error!.message).toContain('at most 6 decimals');
  const zero = await rpc('treasury.submit_disbursement', intent(`${run}-z`, `${run}-e`, 2, '0').params);
  expect(zero.error!.message).toContain('greater than 0');
});

test('insufficient treasury and refused destinations are cancelled-class errors; the balance is untouched', async () => {
  const run = randomUUID().slice(0, 8);
  await rpc('dev.set_treasury', { balance: '5' });
  const short = await rpc('treasury.submit_disbursement', intent(`${run}-s`, `${run}-e`, 1, '5.000001').params);
  expect(short.error).toMatchObject({ code: -33001, data: { need: '5.000001', available: '5' } });
  await rpc('dev.reject_destination', { destination: '0xDEAD01', reason: 'sanctioned address' });
  const refused = await rpc('treasury.submit_disbursement', { ...intent(`${run}-r`, `${run}-e`, 1).params, destination: '0xdead01' });
  expect(refused.error).toMatchObject({ code: -33003 });
  expect(refused.error!.message).toContain('sanctioned address');
  expect((await rpc('treasury.balance')).result.balance).toBe('5');
  expect((await rpc('dev.treasury_payments', { disbursement_ids: [`${run}-s`, `${run}-r`] })).result).toMatchObject({
    total: 0,
    total_paid: '0',
  });
});
