/** The devnet as a real process, spoken to over HTTP JSON-RPC. */
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { poll, startStack, type Stack } from '@blockops/stack';

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
    devnetArgs: ['--block-interval-ms', '3600000', '--confirm-blocks', '2', '--seed', '7'],
  });
  url = devnet.urls.devnet!;
});
afterAll(() => devnet?.stop());
// a failed assertion must not leave a fault behind for the next test
afterEach(() => rpc('dev.clear_faults'));

async function rpc(method: string, params?: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as { result?: any; error?: { code: number; message: string; data?: any } };
}

test('blocks are mined on demand with background receipts in all four markets', async () => {
  const before = (await rpc('light.latest_header')).result.height;
  expect((await rpc('dev.mine', { blocks: 20 })).result.height).toBe(before + 20);
  const audit = (await rpc('receipt.audit', { limit: 1000 })).result;
  expect(audit.total).toBeGreaterThan(0);
  expect(new Set(audit.receipts.map((r: { market: string }) => r.market))).toEqual(new Set(['compute', 'storage', 'energy', 'ad']));
  const heights = audit.receipts.map((r: { block_height: number }) => r.block_height);
  expect(heights).toEqual([...heights].sort((a, b) => a - b));
  const compute = (await rpc('receipt.audit', { market: 'compute', limit: 2, offset: 1 })).result;
  expect(compute.receipts.every((r: { market: string }) => r.market === 'compute')).toBe(true);
  expect(compute.receipts).toHaveLength(2);
});

test('an operation is submitted once (idempotent by id) and confirmed by a receipt after k blocks', async () => {
  await rpc('dev.credit', { account: '0xme', amount: 1000 });
  const op = { operation_id: `op-${randomUUID()}`, account: '0xme', estimated_cost: 50, units: 1000 };
  const first = (await rpc('compute_market.submit_job', op)).result;
  const again = (await rpc('compute_market.submit_job', op)).result;
  expect(again.tx_hash).toBe(first.tx_hash);
  expect((await rpc('tx.status', { operation_id: op.operation_id })).result.status).toBe('pending');
  await rpc('dev.mine', { blocks: 2 });
  const status = (await rpc('tx.status', { operation_id: op.operation_id })).result;
  expect(status).toMatchObject({ status: 'confirmed', block_height: first.submitted_height + 2 });
  const audit = (await rpc('receipt.audit', { from_height: status.block_height, to_height: status.block_height, limit: 1000 })).result;
  const receipt = audit.receipts.find((r: { operation_id: string | null }) => r.operation_id === op.operation_id);
  expect(receipt).toMatchObject({ consumer: '0xme', market: 'compute', estimated_cost: 50 });
  expect(receipt.amount).toBeGreaterThanOrEqual(45);
  expect(receipt.amount).toBeLessThanOrEqual(55);
  expect((await rpc('ledger.balance', { account: '0xme' })).result.balance).toBeCloseTo(1000 - receipt.amount);
});

test('gate closed and short balance are business errors naming gate, need and available', async () => {
  await rpc('dev.set_gate', { market: 'energy', state: 'Halt', reason: 'maintenance' });
  const closed = await rpc('energy.trade', { operation_id: `op-${randomUUID()}`, account: '0xme', estimated_cost: 1 });
  expect(closed.error).toMatchObject({ code: -33004, data: { market: 'energy', state: 'Halt', reason: 'maintenance' } });
  expect((await rpc('governor.status')).result.gates.energy.state).toBe('Halt');
  const poor = await rpc('storage.put', { operation_id: `op-${randomUUID()}`, account: '0xpoor', estimated_cost: 10 });
  expect(poor.error).toMatchObject({ code: -33001, data: { need: 10, available: 0 } });
});

test('bad input gets standard errors naming the param, and the server keeps serving', async () => {
  const bad = await rpc('receipt.audit', { limit: 5000 });
  expect(bad.error?.code).toBe(-32602);
  expect(bad.error?.message).toContain('limit');
  expect(bad.error?.message).toContain('1000');
  expect((await rpc('no.such')).error?.code).toBe(-32601);
  const parse = (await (await fetch(url, { method: 'POST', body: '{nope' })).json()) as any;
  expect(parse.error.code).toBe(-32700);
  const big = await fetch(url, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
  expect(big.status).toBe(413);
  const batch = (await (
    await fetch(url, {
      method: 'POST',
      body: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'net.stats' }, { jsonrpc: '2.0', id: 2, method: 'x' }, 5]),
    })
  ).json()) as any;
  expect(batch.map((r: { id: number }) => r.id)).toEqual([1, 2, null]);
  expect(batch[0].result.peer_count).toBeGreaterThan(0);
  expect(batch[2].error.code).toBe(-32600);
  expect((await rpc('net.peers')).result.peers.length).toBeGreaterThan(0);
});

test('chain.id names the chain, and every header carries its genesis hash', async () => {
  const id = (await rpc('chain.id')).result;
  expect(id).toEqual({
    chain_id: expect.stringMatching(/^devnet-7-[0-9a-f]{8}$/),
    genesis_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    genesis_timestamp: 1_767_225_600,
  });
  expect((await rpc('light.latest_header')).result.genesis_hash).toBe(id.genesis_hash);
  expect((await rpc('dev.status')).result.chain_id).toBe(id.chain_id);
});

test('injected faults fail a method with a transient code until cleared; dev.status shows them', async () => {
  await rpc('dev.set_fault', { method: 'net.stats', error_rate: 1 });
  expect((await rpc('net.stats')).error?.code).toBe(-32000);
  expect((await rpc('dev.status')).result.faults).toEqual({
    'net.stats': { error_rate: 1, error_code: -32000, latency_ms: 0, timeout_rate: 0, injected: 1 },
  });
  await rpc('dev.set_fault', { method: 'ledger.balance', error_rate: 1, error_code: -34001 });
  expect((await rpc('ledger.balance', { account: '0xme' })).error?.code).toBe(-34001);
  expect((await rpc('dev.set_fault', { error_rate: 1, error_code: -1 })).error?.message).toContain('error_code');
  await rpc('dev.clear_faults');
  expect((await rpc('net.stats')).result.peer_count).toBe(23);
  expect((await rpc('dev.status')).result).toMatchObject({ faults: {}, outage: null });
});

test('a timeout fault leaves the call unanswered; other methods still answer', async () => {
  await rpc('dev.set_fault', { method: 'governor.status', timeout_rate: 1 });
  const held = fetch(url, {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'governor.status' }),
    signal: AbortSignal.timeout(300),
  });
  await expect(held).rejects.toMatchObject({ name: 'TimeoutError' });
  expect((await rpc('light.latest_header')).result.height).toBeGreaterThanOrEqual(0);
  await rpc('dev.clear_faults');
  expect((await rpc('governor.status')).result.gates.compute).toBeDefined();
});

test('an http_503 outage answers 503 until it is over, then the node serves again', async () => {
  expect((await rpc('dev.outage', { mode: 'http_503', duration_ms: 400 })).result.mode).toBe('http_503');
  const during = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'net.stats' }) });
  expect(during.status).toBe(503);
  const after = await poll(() => rpc('net.stats').then((r) => r.result), { description: 'the node to serve again after the outage' });
  expect(after.peer_count).toBe(23);
});

test('dev.status counts what reached the node: HTTP requests and calls by method, also those an outage refused', async () => {
  const before = (await rpc('dev.status')).result;
  await rpc('storage.put', { operation_id: `count-${randomUUID()}`, account: 'acct-count', estimated_cost: 0 });
  await fetch(url, {
    method: 'POST',
    body: JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'storage.put', params: {} },
      { jsonrpc: '2.0', id: 2, method: 'net.stats' },
    ]),
  });
  await rpc('dev.outage', { mode: 'http_503', duration_ms: 300 });
  const refused = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'storage.put', params: {} }) });
  expect(refused.status).toBe(503);
  await new Promise((r) => setTimeout(r, 350));
  const after = (await rpc('dev.status')).result;
  const delta = (m: string) => (after.calls[m] ?? 0) - (before.calls[m] ?? 0);
  expect(delta('storage.put')).toBe(3);
  expect(delta('net.stats')).toBe(1);
  expect(delta('dev.outage')).toBe(1);
  expect(after.http_requests - before.http_requests).toBe(5); // put, batch, outage, refused put, this status
});

test('a refuse outage drops connections and refuses new ones, then listens again on the same port', async () => {
  expect((await rpc('dev.outage', { mode: 'refuse', duration_ms: 1000 })).result.mode).toBe('refuse');
  const refused = await poll(
    () =>
      fetch(url, { method: 'POST', body: '{}' }).then(
        () => undefined,
        (err: { cause?: { code?: string } }) => err.cause?.code,
      ),
    // a kept-alive socket being dropped (UND_ERR_SOCKET) comes first; wait for a new connection refused
    { description: 'a connection to be refused', until: (code) => code === 'ECONNREFUSED' },
  );
  expect(refused).toBe('ECONNREFUSED');
  const back = await poll(() => rpc('net.stats').then((r) => r.result), { description: 'the node to listen again' });
  expect(back.peer_count).toBe(23);
});

test('market stats move with the chain and follow the gates', async () => {
  await rpc('dev.mine', { blocks: 30 });
  const compute = (await rpc('compute_market.stats')).result;
  expect(compute).toMatchObject({ status: 'healthy' });
  expect(compute.total_revenue).toBeGreaterThan(0);
  expect(compute.avg_utilization).toBeGreaterThan(0);
  expect(compute.avg_utilization).toBeLessThanOrEqual(1);
  expect((await rpc('storage.stats')).result).toEqual(
    expect.objectContaining({
      total_stored: expect.any(Number),
      total_providers: expect.any(Number),
      avg_price: expect.any(Number),
      capacity_used: expect.any(Number),
    }),
  );
  expect((await rpc('energy.market_state')).result).toEqual(
    expect.objectContaining({ total_credits: expect.any(Number), active_traders: expect.any(Number), trading_volume: expect.any(Number) }),
  );
  await rpc('dev.set_gate', { market: 'ad', state: 'Halt', reason: 'audit' });
  expect((await rpc('ad_market.stats')).result).toMatchObject({
    status: 'halted',
    total_impressions: expect.any(Number),
    avg_cpm: expect.any(Number),
  });
  await rpc('dev.set_gate', { market: 'ad', state: 'Trade' });
});

test('treasury disbursements: executed once per id, nonces rise, business errors are cancelled-class codes', async () => {
  await rpc('dev.set_treasury', { balance: 1000 });
  const intent = {
    disbursement_id: `d-${randomUUID()}`,
    executor: 'exec-1',
    nonce: 1,
    destination: '0xabcdef01',
    amount: 300,
    memo: 'grant',
    signature: 'sig',
  };
  const first = (await rpc('treasury.submit_disbursement', intent)).result;
  expect(first).toMatchObject({ status: 'executed', nonce: 1, disbursement_id: intent.disbursement_id });
  expect((await rpc('treasury.submit_disbursement', intent)).result).toEqual(first);
  expect((await rpc('treasury.balance')).result).toEqual({ balance: '700', nonces: { 'exec-1': 1 } });
  // a pool reads only its own executors' nonces
  expect((await rpc('treasury.balance', { executor_prefix: 'exec-' })).result).toEqual({ balance: '700', nonces: { 'exec-1': 1 } });
  expect((await rpc('treasury.balance', { executor_prefix: 'other-' })).result).toEqual({ balance: '700', nonces: {} });
  const reused = await rpc('treasury.submit_disbursement', { ...intent, disbursement_id: `d-${randomUUID()}` });
  expect(reused.error).toMatchObject({ code: -33002, data: { nonce: 1, last_nonce: 1 } });
  const short = await rpc('treasury.submit_disbursement', { ...intent, disbursement_id: `d-${randomUUID()}`, nonce: 2, amount: 701 });
  expect(short.error).toMatchObject({ code: -33001, data: { need: '701', available: '700' } });
  const nowhere = await rpc('treasury.submit_disbursement', {
    ...intent,
    disbursement_id: `d-${randomUUID()}`,
    nonce: 2,
    destination: '0x0000',
  });
  expect(nowhere.error?.code).toBe(-33003);
  const longMemo = await rpc('treasury.submit_disbursement', {
    ...intent,
    disbursement_id: `d-${randomUUID()}`,
    nonce: 2,
    memo: 'm'.repeat(1025),
  });
  expect(longMemo.error).toMatchObject({ code: -32602, data: { param: 'memo' } });
  expect(longMemo.error?.message).toContain('1024');
  expect((await rpc('treasury.balance')).result.balance).toBe('700');
});
