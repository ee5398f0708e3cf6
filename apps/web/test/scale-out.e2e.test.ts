/**
 * Scale-out, proven with real processes: two worker processes and two web processes on one
 * Temporal and one Redis. The receipt-poller singleton runs once; both workers serve operations;
 * a Socket.IO client on each web process sees every event exactly once, in stream order; one
 * worker killed, the other carries on (operations confirm, accounting reaches the head).
 * Also what an operator finds through the runs API: operations by market and business outcome.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { Client, Connection } from '@temporalio/client';
import { compareStreamIds, connectRedis, lastStreamId, readRange, type BlockopsEvent, type RedisClient } from '@blockops/events';
import { createOperationsStore, createAccountingStore } from '@blockops/accounts';
import { freePort, httpOk, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';

const root = path.resolve(__dirname, '../../..');
type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let redis: RedisClient;
let connection: Connection;
let client: Client;
const workers: Array<{ proc: ManagedProcess; metrics: string; log: string }> = [];
const webs: Array<{ proc: ManagedProcess; url: string }> = [];

const env = () => ({
  ...process.env,
  ...stack.env,
  RECEIPT_POLL_INTERVAL_MS: '100',
  // a killed worker's poll attempt stops heartbeating: retried by the other after this
  RECEIPT_BATCH_TIMEOUT_MS: '3000',
  RECEIPT_POLL_IDLE_MS: '2000',
  OPERATION_POLL_INTERVAL_MS: '500',
  LOG_LEVEL: 'info',
});

async function startWorker(n: number) {
  const port = await freePort();
  const log = path.join(stack.dataDir, 'logs', `scale-worker-${n}.log`);
  const proc = await startProcess({
    name: `worker-${n}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
    env: { ...env(), WORKER_METRICS_PORT: String(port) },
    ready: () => httpOk(`http://127.0.0.1:${port}/health`),
    timeoutMs: 90_000,
    output: { file: log },
  });
  workers.push({ proc, metrics: `http://127.0.0.1:${port}/metrics`, log });
}

async function startWeb(n: number) {
  const port = await freePort();
  const proc = await startProcess({
    name: `web-${n}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'apps/web/server.ts')],
    cwd: path.join(root, 'apps/web'),
    env: { ...env(), WEB_PORT: String(port), NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    ready: () => httpOk(`http://127.0.0.1:${port}/api/health`),
    timeoutMs: 90_000,
    output: { file: path.join(stack.dataDir, 'logs', `scale-web-${n}.log`) },
  });
  webs.push({ proc, url: `http://127.0.0.1:${port}` });
}

beforeAll(async () => {
  // devnet blocks every 200 ms (startTestStack's default), so operations confirm on their own
  stack = await startTestStack({ services: ['temporal', 'redis', 'devnet'] });
  redis = await connectRedis(stack.env.REDIS_URL!);
  connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
  // one at a time: the two workers race for the singleton, the two webs for nothing
  await Promise.all([startWorker(1), startWorker(2)]);
  await Promise.all([startWeb(1), startWeb(2)]);
}, 300_000);

afterAll(async () => {
  for (const w of [...webs.map((x) => x.proc), ...workers.map((x) => x.proc)]) await w.stop(2000);
  await connection?.close();
  if (redis) {
    const keys = await redis.keys(`${stack.names.accounts}*`);
    if (keys.length) await redis.del(keys);
    await redis.del([stack.names.events, stack.names.audit]);
    redis.destroy();
  }
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function listen(url: string): { socket: Socket; seen: BlockopsEvent[]; ready: Promise<void> } {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { rooms: ['all'] }, reconnection: false });
  const seen: BlockopsEvent[] = [];
  socket.on('events', (batch: BlockopsEvent[]) => seen.push(...batch));
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, seen, ready };
}

async function submitVia(web: string, body: Record<string, unknown>) {
  const res = await fetch(`${web}/api/operations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-actor': 'scale-test' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { operationId: string; workflowId: string } };
}

const counter = (text: string, activity: string) => {
  const m = new RegExp(`blockops_activity_executions_total\\{activity="${activity}",status="completed"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
};

test('two workers and two webs: one poller, work shared, every event once per client, a worker killed and the other carries on', async () => {
  const operations = createOperationsStore({ redis, prefix: stack.names.accounts });
  const accounting = createAccountingStore({ redis, prefix: stack.names.accounts, startingBalance: 100_000_000_000n });

  // the singleton: both workers asked for it, one started it, one found it running; one execution runs
  await until('both workers to report the singleton', async () =>
    workers.every((w) => readFileSync(w.log, 'utf8').includes('receipt poller singleton')),
  );
  const said = workers.map((w) => /"poller":"(started|running)"/.exec(readFileSync(w.log, 'utf8'))?.[1]).sort();
  expect(said).toEqual(['running', 'started']);
  const pollers: string[] = [];
  for await (const r of client.workflow.list({ query: `WorkflowId = 'receipt-poller' AND ExecutionStatus = 'Running'` }))
    pollers.push(r.runId);
  expect(pollers).toHaveLength(1);

  // a client on each web process, from the same moment of the stream
  const clients = webs.map((w) => listen(w.url));
  await Promise.all(clients.map((c) => c.ready));
  const mark = await lastStreamId(redis, stack.names.events);

  // phase 1: operations through both webs, served by both workers
  const first = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      submitVia(webs[i % 2]!.url, { market: (['compute', 'storage', 'energy', 'ad'] as const)[i % 4], estimatedCost: String(3 + i) }),
    ),
  );
  expect(first.map((r) => r.status)).toEqual(Array(16).fill(202));
  const ids = first.map((r) => r.body.operationId);
  await until('phase 1 operations confirmed', async () =>
    (await Promise.all(ids.map((id) => operations.get(id)))).every((o) => o?.status === 'CONFIRMED'),
  );
  const served = await Promise.all(workers.map(async (w) => counter(await (await fetch(w.metrics)).text(), 'submitOperation')));
  expect(served.every((n) => n > 0)).toBe(true); // both workers submitted operations
  expect(served.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(16);

  // phase 2: one worker killed; the other carries on with new operations and the poller
  const [victim, survivor] = workers;
  victim!.proc.child.kill('SIGKILL');
  await victim!.proc.exited;
  const second = await Promise.all(
    Array.from({ length: 6 }, (_, i) => submitVia(webs[i % 2]!.url, { market: 'compute', estimatedCost: String(2 + i) })),
  );
  expect(second.map((r) => r.status)).toEqual(Array(6).fill(202));
  const ids2 = second.map((r) => r.body.operationId);
  await until('phase 2 operations confirmed', async () =>
    (await Promise.all(ids2.map((id) => operations.get(id)))).every((o) => o?.status === 'CONFIRMED'),
  );
  const head = (await (
    await fetch(`${stack.env.THEBLOCK_RPC_URL}`, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'light.latest_header' }),
    })
  ).json()) as { result: { height: number } };
  await until('accounting past the head seen after the kill', async () => (await accounting.checkpoint()) >= head.result.height);
  expect(counter(await (await fetch(survivor!.metrics)).text(), 'submitOperation')).toBeGreaterThan(served[1]!);

  // every event of the stream since the mark reached each client exactly once, in order
  const end = await lastStreamId(redis, stack.names.events);
  await until('both clients to reach the end of the stream', async () => clients.every((c) => c.seen.some((e) => e.id === end)));
  const expected: string[] = [];
  for (let cursor = mark; ;) {
    const page = await readRange(redis, stack.names.events, cursor, end, 1000);
    expected.push(...page.events.map((e) => e.id));
    if (!page.lastId || page.lastId === end) break;
    cursor = page.lastId;
  }
  expect(expected.length).toBeGreaterThan(100);
  for (const c of clients) {
    const got = c.seen.map((e) => e.id);
    expect(new Set(got).size).toBe(got.length); // nothing twice
    expect(got.filter((id) => compareStreamIds(id, mark) > 0 && compareStreamIds(id, end) <= 0)).toEqual(expected); // nothing missed, in order
    c.socket.close();
  }
});

test('operators find operations by market and outcome through the runs API; each run has a summary for Temporal Web', async () => {
  const web = webs[1]!.url;
  // the case: gone EXPIRED before its receipt (blocks every 200 ms, confirmed 2 blocks later)
  const expired = await submitVia(web, { market: 'compute', estimatedCost: '4', confirmTimeoutMs: 100 });
  expect(expired.status).toBe(202);
  const handle = client.workflow.getHandle(expired.body.workflowId);
  const result = (await handle.result()) as { status: string };
  // at its deadline the node may already hold the receipt: then it is CONFIRMED, never EXPIRED over a charge
  expect(['EXPIRED', 'CONFIRMED']).toContain(result.status);
  const runs = async (q: string) =>
    (
      (await (await fetch(`${web}/api/runs?limit=200&${q}`)).json()) as {
        runs: Array<{ workflowId: string; market: string; businessStatus: string }>;
      }
    ).runs;
  await until('the run in visibility with its outcome', async () =>
    (await runs(`market=compute&businessStatus=${result.status}`)).some((r) => r.workflowId === expired.body.workflowId),
  );
  const listed = (await runs(`market=compute&businessStatus=${result.status}`)).find((r) => r.workflowId === expired.body.workflowId)!;
  expect(listed).toMatchObject({ market: 'compute', businessStatus: result.status });
  expect((await runs('market=storage')).every((r) => r.market === 'storage')).toBe(true);
  const bad = await fetch(`${web}/api/runs?businessStatus=LOST`);
  expect(bad.status).toBe(400);

  const d = await handle.describe();
  expect(await d.staticSummary()).toBe(`compute operation ${expired.body.operationId}: estimated 4, 1 units`);
  expect(await d.staticDetails()).toContain('Correlation id');
  // and whatever happened at the deadline, the record ends CONFIRMED with the chain's charge
  const operations = createOperationsStore({ redis, prefix: stack.names.accounts });
  await until('the record confirmed', async () => (await operations.get(expired.body.operationId))?.status === 'CONFIRMED');
  if (result.status === 'EXPIRED') expect((await operations.get(expired.body.operationId))?.lateFrom).toBe('EXPIRED');
});
