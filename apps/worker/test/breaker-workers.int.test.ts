/**
 * One breaker shared by real worker processes (apps/worker/src/main.ts), each on its own task queue
 * so the test decides which worker runs which operation, against the real devnet process, Redis and
 * the Temporal dev server:
 * - failures seen by worker A open the breaker for worker B too (B sends nothing);
 * - a devnet outage opens it, nothing reaches the node while it is open (counted at the node),
 *   half-open probes go one at a time, recovery closes it, and the refused work, submitted again,
 *   completes;
 * - cancelled-class answers from the node never trip it;
 * - a worker SIGKILLed while holding the probe: its lease expires and B's probe goes.
 * Short durations come from the workers' environment (BREAKER_*).
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { createChainClient, type ChainClient } from '@blockops/chain';
import { createAccountingStore } from '@blockops/accounts';
import { breakerKeys, createBreakerStore, type BreakerStore } from '@blockops/breakers';
import { CHAIN_BREAKER, DEFAULT_BREAKER_CONFIG, parseAmount, type BreakerState } from '@blockops/domain';
import { connectRedis, readRange, type BlockopsEvent, type RedisClient } from '@blockops/events';
import { freePort, httpOk, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';
import type { SubmitAnswer } from '@blockops/workflows/public';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
const SUBMIT = 'compute_market.submit_job';
/** long enough for a loaded machine to do what the tests do while it is open */
const OPEN_MS = 8000;
const settings = {
  BREAKER_FAILURE_THRESHOLD: '5',
  BREAKER_OPEN_MS: String(OPEN_MS),
  BREAKER_HALF_OPEN_PROBES: '1',
  BREAKER_SUCCESS_THRESHOLD: '2',
  BREAKER_PROBE_LEASE_MS: '4000',
  THEBLOCK_RPC_TIMEOUT_MS: '2000',
};
let stack: Awaited<ReturnType<typeof startTestStack>>;
let redis: RedisClient;
let chain: ChainClient;
let connection: Connection;
let client: Client;
let breakers: BreakerStore;
let prefix: string;
const workers: Record<'A' | 'B', { proc: ManagedProcess; queue: string; metrics: string }> = {} as never;

async function startWorker(name: 'A' | 'B') {
  const port = await freePort();
  const queue = `${stack.names.taskQueue}-${name}`;
  const proc = await startProcess({
    name: `worker-${name}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
    env: {
      ...process.env,
      ...stack.env,
      ...settings,
      BREAKER_PREFIX: prefix,
      TEMPORAL_TASK_QUEUE: queue,
      WORKER_METRICS_PORT: String(port),
      TB_ACCOUNT: ACCOUNT,
      // B runs the receipt poller, so A can be killed without stopping confirmations
      RECEIPT_POLLER_AUTOSTART: name === 'B' ? 'true' : 'false',
      RECEIPT_POLL_INTERVAL_MS: '100',
      // the gate cache keeps what it read: the node alone refuses a gate closed later (a cancelled-class answer)
      GATE_CACHE_MS: '60000',
      LOG_LEVEL: 'warn',
    },
    ready: () => httpOk(`http://127.0.0.1:${port}/health`),
    timeoutMs: 120_000,
    output: { file: path.join(stack.dataDir, 'logs', `worker-${name}.log`) },
  });
  workers[name] = { proc, queue, metrics: `http://127.0.0.1:${port}/metrics` };
}

beforeAll(async () => {
  stack = await startTestStack({
    services: ['temporal', 'redis', 'devnet'],
    env: { TB_ACCOUNT: ACCOUNT, TB_STARTING_BALANCE: '100000' },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '41'],
  });
  prefix = stack.names.breakers;
  redis = await connectRedis(stack.env.REDIS_URL!);
  chain = createChainClient({ url: stack.env.THEBLOCK_RPC_URL!, timeoutMs: 2000 });
  connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
  breakers = createBreakerStore({
    redis,
    prefix,
    config: { ...DEFAULT_BREAKER_CONFIG, openMs: OPEN_MS, halfOpenProbes: 1, successThreshold: 2, probeLeaseMs: 4000 },
  });
  await Promise.all([startWorker('A'), startWorker('B')]);
}, 240_000);

afterAll(async () => {
  for (const w of Object.values(workers)) await w.proc.stop(1000);
  await connection?.close();
  const keys = await redis?.keys(`${stack.names.accounts}*`);
  if (keys?.length) await redis.del(keys);
  redis?.destroy();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** POST /api/operations without the web: Update-with-Start on the chosen worker's task queue. */
function submit(worker: 'A' | 'B', operationId: string, estimatedCost = '1'): Promise<SubmitAnswer> {
  const start = new WithStartWorkflowOperation('operation', {
    workflowId: `op-${operationId}`,
    taskQueue: workers[worker].queue,
    args: [{ operationId, market: 'compute', estimatedCost, units: 1, confirmTimeoutMs: 120_000, pollIntervalMs: 500 }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
  });
  return client.workflow.executeUpdateWithStart<Workflow, SubmitAnswer, []>('submit', { startWorkflowOperation: start });
}

const submitCalls = async () => (await chain.dev.status()).calls[SUBMIT] ?? 0;
const state = async (): Promise<BreakerState> => (await breakers.read(CHAIN_BREAKER)).snapshot.state;
async function metric(worker: 'A' | 'B', line: string): Promise<number> {
  const text = await (await fetch(workers[worker].metrics)).text();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found ? Number(found.split(' ').pop()) : 0;
}
const failures = async () =>
  (await metric('A', `treasury_circuit_breaker_calls_total{breaker="theblock",outcome="failure"}`)) +
  (await metric('B', `treasury_circuit_breaker_calls_total{breaker="theblock",outcome="failure"}`));
async function transitions() {
  return (await readRange(redis, stack.names.events, '0-0', '+', 10_000)).events
    .filter((e): e is Extract<BlockopsEvent, { type: 'breaker_state_changed' }> => e.type === 'breaker_state_changed')
    .map((e) => `${e.previous_state}>${e.new_state}`);
}
const reservations = () =>
  createAccountingStore({ redis, prefix: stack.names.accounts, startingBalance: parseAmount('100000') }).reservations();

/** Closed again with a clean run, as an operator's reset leaves it. */
async function resetBreaker() {
  await chain.dev.clearFaults();
  await breakers.reset(CHAIN_BREAKER);
}

test('failures seen by worker A open the breaker for worker B: B refuses at once with the retry time and sends nothing', async () => {
  await chain.dev.setFault({ method: SUBMIT, error_rate: 1 });
  // four transient failures (the submit's retries), then the node says it never saw it: 502
  expect(await submit('A', 'share-1')).toMatchObject({ code: 502, status: 'failed' });
  // the 5th failure opens it; the retry after it is refused by the breaker: 503 with the retry time
  const second = await submit('A', 'share-2');
  expect(second).toMatchObject({ code: 503, status: 'unavailable', breaker: CHAIN_BREAKER });
  expect(await state()).toBe('open');

  const before = await submitCalls();
  const t0 = Date.now();
  const onB = await submit('B', 'share-3');
  expect(onB).toMatchObject({ code: 503, status: 'unavailable', breaker: CHAIN_BREAKER });
  expect(onB.code === 503 && onB.message).toContain('nothing was submitted');
  const retryAt = onB.code === 503 ? Date.parse(onB.retryAt) : 0;
  expect(retryAt).toBeGreaterThan(t0);
  expect(retryAt).toBeLessThanOrEqual(t0 + OPEN_MS);
  expect(await submitCalls()).toBe(before);
  // nothing left reserved by any of them
  expect(await reservations()).toEqual({});
  // both workers export the shared state
  expect(await metric('A', 'treasury_circuit_breaker_state{breaker="theblock"}')).toBe(1);
  expect(await metric('B', 'treasury_circuit_breaker_state{breaker="theblock"}')).toBe(1);
  expect(await metric('B', 'treasury_circuit_breaker_calls_total{breaker="theblock",outcome="rejected"}')).toBeGreaterThanOrEqual(1);
  expect(await transitions()).toContain('closed>open');
  await resetBreaker();
});

test('an outage opens it; nothing reaches the node while open; probes go one at a time; recovery closes it; refused work completes', async () => {
  await until('closed', async () => (await state()) === 'closed');
  const c0 = await submitCalls();
  const f0 = await failures();
  const seen0 = (await transitions()).length;
  await chain.dev.outage({ mode: 'http_503', duration_ms: 1500 });
  // five operations at once on both workers: their first attempts fail, the breaker opens, the rest is refused
  const ids = Array.from({ length: 5 }, (_, i) => `outage-${i}-${randomUUID().slice(0, 6)}`);
  const during = await Promise.all(ids.map((id, i) => submit(i % 2 ? 'B' : 'A', id)));
  for (const a of during) expect(a).toMatchObject({ code: 503, status: 'unavailable', breaker: CHAIN_BREAKER });
  expect(await state()).toBe('open');

  // the node serves again, the breaker is still open: read what reached the node
  await until('the outage to end', () =>
    chain.dev.status().then(
      () => true,
      () => false,
    ),
  );
  const c1 = await submitCalls();
  // every call that reached the node was admitted while closed and counted as a failure: at least the threshold
  expect(c1 - c0).toBe((await failures()) - f0);
  expect(c1 - c0).toBeGreaterThanOrEqual(5);
  // while open, more work on both workers is refused without a call
  const refused = await Promise.all(['A', 'B', 'A', 'B'].map((w, i) => submit(w as 'A' | 'B', `${ids[0]}-later-${i}`)));
  for (const a of refused) expect(a).toMatchObject({ code: 503, status: 'unavailable' });
  expect(await state()).toBe('open');
  expect(await submitCalls()).toBe(c1);

  // half-open (a worker's timer moves it): one probe at a time, slow, so the second is refused meanwhile
  await until('half-open', async () => (await state()) === 'half_open', OPEN_MS + 5000);
  await chain.dev.setFault({ method: SUBMIT, latency_ms: 1500 });
  const pair = await Promise.all([submit('A', `${ids[0]}-probe-1`), sleep(300).then(() => submit('B', `${ids[0]}-probe-2`))]);
  await chain.dev.clearFaults();
  // whichever came first probed; the other was refused while the probe was out
  expect(pair.map((a) => a.code).sort()).toEqual([202, 503]);
  const probe = pair.find((a) => a.code === 202)!;
  const meanwhile = pair.find((a) => a.code === 503)!;
  expect((await breakers.read(CHAIN_BREAKER)).snapshot).toMatchObject({ state: 'half_open', successes: 1 });
  expect(await submit('B', `${ids[0]}-probe-3`)).toMatchObject({ code: 202 });
  expect(await state()).toBe('closed');
  expect((await transitions()).slice(seen0)).toEqual(['closed>open', 'open>half_open', 'half_open>closed']);

  // the refused work, submitted again with the same ids (as its 503 says), goes through and completes
  const again = [...ids, ...refused.map((a) => a.operationId), meanwhile.operationId];
  const answers = await Promise.all(again.map((id, i) => submit(i % 2 ? 'A' : 'B', id)));
  for (const a of answers) expect(a).toMatchObject({ code: 202, status: 'submitted' });
  expect(await reservations()).toEqual(
    Object.fromEntries([...again, probe.operationId, `${ids[0]}-probe-3`].map((id) => [id, 1_000_000n])),
  );
  await chain.dev.mine({ blocks: 3 });
  const results = await Promise.all(again.map((id) => client.workflow.getHandle(`op-${id}`).result()));
  for (const r of results) expect(r).toMatchObject({ status: 'CONFIRMED' });
  await until('the probes to confirm too', async () => Object.keys(await reservations()).length === 0);
}, 120_000);

test('cancelled-class answers from the node never trip it', async () => {
  await until('closed', async () => (await state()) === 'closed');
  expect(await submit('A', `gate-warm-${randomUUID().slice(0, 6)}`)).toMatchObject({ code: 202 }); // the gate cache holds "Trade"
  await chain.dev.setGate({ market: 'compute', state: 'Halt', reason: 'breaker test' });
  try {
    const before = await submitCalls();
    for (let i = 0; i < 8; i++)
      expect(await submit(i % 2 ? 'A' : 'B', `gate-${i}-${randomUUID().slice(0, 6)}`)).toMatchObject({ code: 409 });
    expect(await submitCalls()).toBe(before + 8); // they did reach the node, which refused them
    const { snapshot } = await breakers.read(CHAIN_BREAKER);
    expect(snapshot).toMatchObject({ state: 'closed', failures: [] });
  } finally {
    await chain.dev.setGate({ market: 'compute', state: 'Trade', reason: 'open' });
  }
});

test('a worker SIGKILLed while holding the probe: its lease expires and another worker probes', async () => {
  await resetBreaker();
  await chain.dev.setFault({ method: SUBMIT, error_rate: 1 });
  await submit('A', `kill-open-1-${randomUUID().slice(0, 6)}`);
  await submit('A', `kill-open-2-${randomUUID().slice(0, 6)}`);
  expect(await state()).toBe('open');
  await until('half-open', async () => (await state()) === 'half_open', OPEN_MS + 5000);

  // A's probe hangs at the node; A is killed while it holds the only probe slot
  await chain.dev.setFault({ method: SUBMIT, timeout_rate: 1 });
  // started without waiting on its answer (A will never give it)
  const probeId = `kill-probe-${randomUUID().slice(0, 6)}`;
  await client.workflow.start('operation', {
    workflowId: `op-${probeId}`,
    taskQueue: workers.A.queue,
    args: [{ operationId: probeId, market: 'compute', estimatedCost: '1', units: 1 }],
  });
  const leases = breakerKeys(prefix, CHAIN_BREAKER).probes;
  await until('A to take the probe', async () => (await redis.zCard(leases)) === 1, 10_000);
  workers.A.proc.child.kill('SIGKILL');
  await workers.A.proc.exited;
  await chain.dev.clearFaults();
  const lease = (await redis.zRangeWithScores(leases, 0, -1))[0]!;

  // B is refused while the dead worker's lease lives, told to come back when it expires
  const blocked = await submit('B', `kill-b-1-${randomUUID().slice(0, 6)}`);
  expect(blocked).toMatchObject({ code: 503, status: 'unavailable' });
  expect(blocked.code === 503 && Date.parse(blocked.retryAt)).toBe(lease.score);
  expect(await state()).toBe('half_open');
  // after it expires B probes; two successes close it; the dead probe never counted
  await until('the lease to expire', async () => (await breakers.read(CHAIN_BREAKER)).now >= lease.score, 10_000);
  expect(await submit('B', `kill-b-2-${randomUUID().slice(0, 6)}`)).toMatchObject({ code: 202 });
  expect(await submit('B', `kill-b-3-${randomUUID().slice(0, 6)}`)).toMatchObject({ code: 202 });
  expect(await state()).toBe('closed');
});
