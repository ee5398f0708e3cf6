/** The typed client against the real devnet process: every method, every error class, faults, auth. */
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { poll, startStack, type Stack } from '@blockops/stack';
import { ChainError, createChainClient, type ChainClient } from '../src';

const root = path.resolve(__dirname, '../../..');
const TOKEN = 'devnet-token-for-tests-000';
let open: Stack;
let locked: Stack;
let chain: ChainClient;

const devnet = (env?: Record<string, string>) =>
  startStack({
    root,
    dataDir: path.join(os.tmpdir(), `blockops-chain-${randomUUID()}`),
    services: ['devnet'],
    ports: { devnet: 0 },
    output: 'files',
    env,
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '7'],
  });

beforeAll(async () => {
  [open, locked] = await Promise.all([devnet(), devnet({ THEBLOCK_AUTH_TOKEN: TOKEN })]);
  chain = createChainClient({ url: open.urls.devnet!, timeoutMs: 2000 });
});
afterAll(async () => {
  await open?.stop();
  await locked?.stop();
});
afterEach(() => chain.dev.clearFaults());

async function failure(p: Promise<unknown>): Promise<ChainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ChainError)) throw new Error(`expected a ChainError, got ${String(err)}`);
  return err;
}

test('every read method answers with its typed, validated result', async () => {
  await chain.dev.mine({ blocks: 40 });
  const header = await chain.light.latestHeader();
  expect(header.height).toBeGreaterThanOrEqual(40);
  const id = await chain.chain.id();
  expect(id.chain_id).toMatch(/^devnet-7-[0-9a-f]{8}$/);
  expect(header.genesis_hash).toBe(id.genesis_hash);
  // two chains from the same seed are two chains
  expect(id.genesis_hash).not.toBe((await createChainClient({ url: locked.urls.devnet!, authToken: TOKEN }).chain.id()).genesis_hash);
  expect((await chain.net.stats()).peer_count).toBe(23);
  expect((await chain.net.peers()).peers).toHaveLength(23);
  const audit = await chain.receipt.audit({ limit: 5, market: 'energy' });
  expect(audit.receipts.every((r) => r.market === 'energy')).toBe(true);
  expect(audit.limit).toBe(5);
  expect((await chain.computeMarket.stats()).status).toBe('healthy');
  expect((await chain.storage.stats()).capacity_used).toBeGreaterThanOrEqual(0);
  expect((await chain.energy.marketState()).total_credits).toBeGreaterThan(0);
  expect((await chain.adMarket.stats()).total_impressions).toBeGreaterThan(0);
  expect((await chain.governor.status()).gates.compute.state).toBe('Trade');
  expect((await chain.ledger.balance({ account: '0xnobody' })).balance).toBe(0n);
  expect((await chain.treasury.balance()).balance).toBeGreaterThan(0n);
  expect((await chain.tx.status({ operation_id: 'none' })).status).toBe('unknown');
  expect((await chain.dev.status()).outage).toBeNull();
});

test('every write method: submits, confirmation, disbursement', async () => {
  await chain.dev.credit({ account: '0xc', amount: 1_000_000_000n });
  const p = (m: string) => ({ operation_id: `${m}-${randomUUID()}`, account: '0xc', estimated_cost: 10_000_000n, units: 5 });
  const subs = [
    await chain.computeMarket.submitJob(p('c')),
    await chain.storage.put(p('s')),
    await chain.energy.trade(p('e')),
    await chain.adMarket.createCampaign(p('a')),
  ];
  expect(subs.every((s) => s.status === 'pending')).toBe(true);
  await chain.dev.mine({ blocks: 2 });
  const st = await chain.tx.status({ operation_id: subs[0]!.operation_id });
  expect(st).toMatchObject({ status: 'confirmed', block_height: expect.any(Number), actual_cost: expect.any(BigInt) });
  await chain.dev.setTreasury({ balance: 500_000_000n });
  const d = await chain.treasury.submitDisbursement({
    disbursement_id: `d-${randomUUID()}`,
    executor: 'ex',
    nonce: 1,
    destination: '0xabcd',
    amount: 100_000_000n,
    signature: 's',
  });
  expect(d.status).toBe('executed');
  expect((await chain.treasury.balance()).nonces.ex).toBe(1);
});

test('error classes: cancelled business errors carry code and data; storage for fatal codes', async () => {
  await chain.dev.setGate({ market: 'ad', state: 'Halt', reason: 'review' });
  let gate: ChainError;
  try {
    gate = await failure(chain.adMarket.createCampaign({ operation_id: `g-${randomUUID()}`, account: '0xc', estimated_cost: 1_000_000n }));
  } finally {
    await chain.dev.setGate({ market: 'ad', state: 'Trade' });
  }
  expect(gate).toMatchObject({ errorClass: 'cancelled', rpcCode: -33004, reason: 'gate_closed', data: { market: 'ad', state: 'Halt' } });
  expect(gate.retryable).toBe(false);
  const poor = await failure(chain.storage.put({ operation_id: `p-${randomUUID()}`, account: '0xpoor', estimated_cost: 5_000_000n }));
  expect(poor).toMatchObject({ errorClass: 'cancelled', rpcCode: -33001, data: { need: 5_000_000n, available: 0n } });
  const intent = {
    disbursement_id: `d-${randomUUID()}`,
    executor: 'ex2',
    nonce: 3,
    destination: '0xabcd',
    amount: 1_000_000n,
    signature: 's',
  };
  await chain.treasury.submitDisbursement(intent);
  expect(await failure(chain.treasury.submitDisbursement({ ...intent, disbursement_id: `d-${randomUUID()}` }))).toMatchObject({
    errorClass: 'cancelled',
    reason: 'nonce_conflict',
  });
  expect(
    await failure(chain.treasury.submitDisbursement({ ...intent, nonce: 9, disbursement_id: `d-${randomUUID()}`, destination: 'nowhere' })),
  ).toMatchObject({ reason: 'invalid_destination' });
  expect(await failure(chain.receipt.audit({ limit: 5000 }))).toMatchObject({ errorClass: 'cancelled', rpcCode: -32602 });
  await chain.dev.setFault({ method: 'ledger.balance', error_rate: 1, error_code: -34001 });
  const storage = await failure(chain.ledger.balance({ account: '0xc' }));
  expect(storage).toMatchObject({ errorClass: 'storage', rpcCode: -34001 });
  expect(storage.countsForBreaker).toBe(false);
});

test('disbursements in one batch: each answered on its own; the payment log and exact balance read back', async () => {
  await chain.dev.setTreasury({ balance: 10_500_000n });
  const run = randomUUID().slice(0, 8);
  const ok = { disbursement_id: `${run}-1`, executor: `${run}-e`, nonce: 1, destination: '0xabcd', amount: 250_000n, signature: 's' };
  await chain.dev.rejectDestination({ destination: '0xbad0', reason: 'blocked' });
  await chain.dev.setFault({ method: 'treasury.submit_disbursement', error_rate: 0 });
  const [first, refused, poor] = await chain.treasury.submitDisbursements([
    ok,
    { ...ok, disbursement_id: `${run}-2`, nonce: 2, destination: '0xbad0' },
    { ...ok, disbursement_id: `${run}-3`, nonce: 3, amount: 11_000_000n },
  ]);
  expect(first).toMatchObject({ ok: true, result: { status: 'executed', nonce: 1 } });
  expect(refused).toMatchObject({ ok: false, error: { errorClass: 'cancelled', reason: 'invalid_destination' } });
  expect(poor).toMatchObject({ ok: false, error: { errorClass: 'cancelled', reason: 'insufficient_balance' } });
  expect((await chain.treasury.balance()).balance).toBe(10_250_000n);
  const log = await chain.dev.treasuryPayments({ disbursement_ids: [`${run}-1`, `${run}-2`, `${run}-3`] });
  expect(log).toMatchObject({ total: 1, total_paid: 250_000n, payments: [{ disbursement_id: `${run}-1`, amount: 250_000n }] });
  await chain.dev.setFault({ method: 'treasury.submit_disbursement', error_rate: 1 });
  const [transient] = await chain.treasury.submitDisbursements([{ ...ok, disbursement_id: `${run}-4`, nonce: 4 }]);
  expect(transient).toMatchObject({ ok: false, error: { errorClass: 'transient', reason: 'unavailable' } });
  await chain.dev.setFault({ method: 'treasury.submit_disbursement', error_rate: 0 });

  // amounts beyond what a JSON number carries (> 2^33 tokens) go and come back exact, as decimal strings
  const big = 123_456_789_012_345_678n; // 123,456,789,012.345678 tokens
  await chain.dev.setTreasury({ balance: big + 1n });
  const [paid] = await chain.treasury.submitDisbursements([{ ...ok, disbursement_id: `${run}-5`, nonce: 5, amount: big }]);
  expect(paid).toMatchObject({ ok: true });
  expect((await chain.treasury.balance()).balance).toBe(1n);
  expect((await chain.dev.treasuryPayments({ disbursement_ids: [`${run}-5`] })).total_paid).toBe(big);
});

test('reads are retried on transient errors, writes are not', async () => {
  await chain.dev.setFault({ method: 'net.stats', error_rate: 1 });
  const c = createChainClient({ url: open.urls.devnet!, readRetries: 4, retryDelayMs: 200 });
  const pending = c.net.stats();
  await poll(async () => (await chain.dev.status()).faults['net.stats']!.injected >= 1, { description: 'the first net.stats to fail' });
  await chain.dev.clearFaults();
  expect((await pending).peer_count).toBe(23); // failed, retried, then answered

  await chain.dev.setFault({ method: 'compute_market.submit_job', error_rate: 1 });
  const id = `w-${randomUUID()}`;
  const err = await failure(c.computeMarket.submitJob({ operation_id: id, account: '0xc', estimated_cost: 1_000_000n }));
  expect(err).toMatchObject({ errorClass: 'transient', rpcCode: -32000 });
  expect(err.countsForBreaker).toBe(true);
  expect((await chain.dev.status()).faults['compute_market.submit_job']!.injected).toBe(1); // one attempt, not retried
  expect((await chain.tx.status({ operation_id: id })).status).toBe('unknown');
});

test('a call the node never answers ends at its per-call timeout as transient', async () => {
  await chain.dev.setFault({ method: 'governor.status', timeout_rate: 1 });
  const c = createChainClient({ url: open.urls.devnet!, readRetries: 0 });
  const t0 = Date.now();
  const err = await failure(c.governor.status({ timeoutMs: 300 }));
  expect(err).toMatchObject({ errorClass: 'transient', reason: 'timeout' });
  // ended by its own 300 ms, not the client's 5 s default (loose: a loaded CI machine is slow, never 4 s slow)
  expect(Date.now() - t0).toBeLessThan(4000);
});

test('outages: HTTP 503 and refused connections are transient; the node comes back', async () => {
  const c = createChainClient({ url: open.urls.devnet!, readRetries: 0 });
  await chain.dev.outage({ mode: 'http_503', duration_ms: 300 });
  expect(await failure(c.net.stats())).toMatchObject({ errorClass: 'transient', httpStatus: 503, reason: 'http_5xx' });
  expect((await poll(() => c.net.stats(), { description: 'the node to serve again after the 503 outage' })).peer_count).toBe(23);

  await chain.dev.outage({ mode: 'refuse', duration_ms: 2000 });
  // the node closes its listener: wait until connections are refused
  const refused = await poll(
    () =>
      c.net.stats().then(
        () => false,
        (err: unknown) => err instanceof ChainError && err,
      ),
    {
      description: 'the node to refuse connections',
    },
  );
  expect(refused).toMatchObject({ errorClass: 'transient', reason: 'unreachable' });
  const back = createChainClient({ url: open.urls.devnet!, readRetries: 8, retryDelayMs: 100 });
  expect((await back.net.stats()).peer_count).toBe(23);
});

test('batch: one request, per-item results in order; auditPages validates each page', async () => {
  const results = await chain.batch([{ method: 'net.stats' }, { method: 'no.such' }, { method: 'receipt.audit', params: { limit: 2 } }]);
  expect(results.map((r) => r.ok)).toEqual([true, false, true]);
  expect(!results[1]!.ok && results[1]!.error.rpcCode).toBe(-32601);
  expect(!results[1]!.ok && results[1]!.error.errorClass).toBe('storage');
  const pages = await chain.receipt.auditPages([
    { limit: 3, offset: 0 },
    { limit: 3, offset: 3 },
  ]);
  expect(pages.map((p) => p.offset)).toEqual([0, 3]);
});

test('auth: the token opens the node; without it, a storage-class 401', async () => {
  const url = locked.urls.devnet!;
  expect((await createChainClient({ url, authToken: TOKEN }).light.latestHeader()).height).toBeGreaterThanOrEqual(0);
  const err = await failure(createChainClient({ url }).light.latestHeader());
  expect(err).toMatchObject({ errorClass: 'storage', reason: 'auth', httpStatus: 401 });
  expect((await failure(createChainClient({ url, authToken: 'wrong' }).net.stats())).httpStatus).toBe(401);
});
