/**
 * The emergency controller on the whole stack (real Temporal, Redis, devnet, worker and web
 * processes): every allowed and refused transition through the API, a halt refusing operations
 * with nothing reserved or submitted, SHUTDOWN pausing the poller and RESUME catching it up, a risk
 * limit breached by real receipts halting on its own, a killed worker leaving the halt latched,
 * refused calls audited.
 */
import path from 'node:path';
import { freePort, httpOk, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';
import { connectRedis, readRange, type BlockopsEvent } from '@blockops/events';
import { parseAmount } from '@blockops/domain';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
const OPERATOR = 'operator-key-for-tests-0001';
const VIEWER = 'viewer-key-for-tests-00001';
const root = path.resolve(__dirname, '../../..');

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      RECEIPT_POLL_INTERVAL_MS: '100',
      OPERATION_POLL_INTERVAL_MS: '500',
      GATE_CACHE_MS: '100',
      EMERGENCY_POLLER_RECHECK_MS: '200',
    },
    // blocks only when a test mines them
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '5'],
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function eventsOf(type: BlockopsEvent['type']): Promise<BlockopsEvent[]> {
  const redis = await connectRedis(stack.env.REDIS_URL!);
  try {
    return (await readRange(redis, stack.names.events, '0-0', '+', 100_000)).events.filter((e) => e.type === type);
  } finally {
    redis.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rpc(method: string, params?: unknown) {
  const res = await fetch(stack.env.THEBLOCK_RPC_URL!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: any }).result;
}

/** `key`: null sends none; undefined the role's default key. */
async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, keyOrNone?: string | null) {
  const key = keyOrNone === null ? undefined : (keyOrNone ?? (method === 'GET' ? VIEWER : OPERATOR));
  const res = await fetch(`${stack.urls.web}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), 'x-actor': 'jest' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    last = v;
    await sleep(100);
  }
}

const state = async () => (await call('GET', '/api/emergency')).body;
const transition = (action: string, reason?: string, key?: string | null) =>
  call('POST', `/api/emergency/${action}`, reason === undefined ? {} : { reason }, key);

test('every allowed transition is acknowledged once written, every refused one says why; history and audit keep them', async () => {
  expect(await state()).toMatchObject({
    state: 'NORMAL',
    risk: expect.any(Array),
    limits: { dailyLoss: '10000', maxPosition: '50000', maxDrawdownPct: 15 },
  });

  expect(await transition('resume', 'nothing to resume')).toMatchObject({
    status: 409,
    body: { error: 'cannot resume from NORMAL: resume is allowed from ALERT, HALT, SHUTDOWN' },
  });
  expect(await transition('halt')).toMatchObject({ status: 400, body: { issues: [{ field: 'reason', message: expect.any(String) }] } });
  expect((await transition('explode', 'x')).status).toBe(404);

  const steps: [string, string, string][] = [
    ['alert', 'volatility', 'ALERT'],
    ['alert', 'still volatile', 'ALERT'],
    ['halt', 'suspicious activity', 'HALT'],
    ['shutdown', 'end of day', 'SHUTDOWN'],
    ['resume', 'all clear', 'NORMAL'],
  ];
  for (const [action, reason, to] of steps) {
    const res = await transition(action, reason);
    expect(res).toMatchObject({ status: 200, body: { state: to, reason, actor: 'operator:jest', action } });
    // acknowledged = written where every activity reads it
    expect(await state()).toMatchObject({ state: to, reason });
  }
  await transition('halt', 'second halt');
  expect(await transition('halt', 'again')).toMatchObject({
    status: 409,
    body: { error: 'cannot halt from HALT: halt is allowed from NORMAL, ALERT' },
  });
  expect(await transition('alert', 'no')).toMatchObject({ status: 409 });
  expect((await transition('resume', 'done')).body.state).toBe('NORMAL');

  const changes = (await eventsOf('emergency_state_changed')).slice(0, 5);
  expect(changes.map((e) => e.type === 'emergency_state_changed' && [e.previous_state, e.new_state, e.actor])).toEqual([
    ['NORMAL', 'ALERT', 'operator:jest'],
    ['ALERT', 'ALERT', 'operator:jest'],
    ['ALERT', 'HALT', 'operator:jest'],
    ['HALT', 'SHUTDOWN', 'operator:jest'],
    ['SHUTDOWN', 'NORMAL', 'operator:jest'],
  ]);
  expect(changes[0]).toMatchObject({ workflowId: 'emergency-controller', reason: 'volatility' });

  const history = (await state()).history as { previous: string; state: string; reason: string }[];
  expect(history.slice(0, 7).map((t) => `${t.previous}>${t.state}`)).toEqual([
    'HALT>NORMAL',
    'NORMAL>HALT',
    'SHUTDOWN>NORMAL',
    'HALT>SHUTDOWN',
    'ALERT>HALT',
    'ALERT>ALERT',
    'NORMAL>ALERT',
  ]);
  const audit = (await call('GET', '/api/audit?limit=50')).body.entries as { action: string; outcome: string; reason?: string }[];
  expect(audit.filter((a) => a.action === 'emergency.halt').map((a) => a.outcome)).toEqual([
    'rejected',
    'accepted',
    'accepted',
    'rejected',
  ]);
});

test('transitions without the operator key: 401 (no key, wrong key) or 403 (viewer), and audited', async () => {
  expect((await transition('halt', 'sneaky', null)).status).toBe(401);
  expect((await call('POST', '/api/emergency/halt', { reason: 'sneaky' }, 'x'.repeat(OPERATOR.length))).status).toBe(401);
  expect((await transition('halt', 'sneaky', VIEWER)).status).toBe(403);
  expect((await call('PUT', '/api/emergency/limits', { reason: 'x', dailyLoss: '1' }, null)).status).toBe(401);
  const audit = (await call('GET', '/api/audit?limit=20')).body.entries as {
    action: string;
    outcome: string;
    reason?: string;
    actor: string;
  }[];
  const refused = audit.filter((a) => a.action === 'POST /api/emergency/halt');
  expect(refused.map((a) => a.reason)).toEqual([
    'forbidden: needs the operator key',
    'unauthorized: no valid key',
    'unauthorized: no valid key',
  ]);
  expect(refused.every((a) => a.outcome === 'rejected')).toBe(true);
  expect((await state()).state).toBe('NORMAL');
});

test('HALT: a new operation is refused 409 naming the halt, nothing reserved, nothing reaches the node; RESUME admits again', async () => {
  await transition('halt', 'maintenance window');
  const res = await call('POST', '/api/operations', { operationId: 'halted-op-1', market: 'compute', estimatedCost: '25', units: 10 });
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ halt: { state: 'HALT', reason: 'maintenance window' } });
  expect(res.body.error).toContain('maintenance window');
  expect((await call('GET', '/api/pnl')).body.reserved).toBe('0');
  expect((await rpc('tx.status', { operation_id: 'halted-op-1' })).status).toBe('unknown');

  await transition('resume', 'window over');
  const again = await call('POST', '/api/operations', { operationId: 'halted-op-1', market: 'compute', estimatedCost: '25', units: 10 });
  expect(again.status).toBe(202);
  await rpc('dev.mine', { blocks: 2 });
  await until('the operation to confirm', async () =>
    ((await call('GET', '/api/operations/confirmed')).body.items as { operationId: string }[]).find((o) => o.operationId === 'halted-op-1'),
  );
});

test('SHUTDOWN pauses the receipt poller (halted event), RESUME catches it up to the head with accounting equal to the node', async () => {
  const checkpoint = async () => (await call('GET', '/api/status')).body.accounting.checkpoint as number;
  await rpc('dev.mine', { blocks: 1 });
  const head0 = (await rpc('light.latest_header')).height as number;
  await until('the poller to catch up', async () => ((await checkpoint()) >= head0 ? true : undefined));
  await transition('shutdown', 'chain maintenance');
  const before = (await rpc('light.latest_header')).height as number;
  // one poll may be in flight when SHUTDOWN lands; after that the checkpoint stays put
  await sleep(600);
  const held = await checkpoint();
  await rpc('dev.mine', { blocks: 5 });
  await sleep(1000);
  expect(await checkpoint()).toBe(held);
  expect(held).toBeLessThanOrEqual(before);
  const halted = await eventsOf('execution_halted');
  // (an earlier, brief SHUTDOWN may have paused it too: the poller checks the state while it polls)
  expect(halted.filter((e) => e.workflowId === 'receipt-poller').map((e) => (e as { reason: string }).reason)).toContain(
    'SHUTDOWN: chain maintenance',
  );

  await transition('resume', 'maintenance done');
  const head = (await rpc('light.latest_header')).height as number;
  await until('the poller to resume and reach the head', async () => ((await checkpoint()) >= head ? true : undefined));
  // an oracle independent of the accounting code: a plain loop over the node's receipt log, in cents
  let cents = 100_000 * 100;
  const cp = await checkpoint();
  for (let offset: number | null = 0; offset !== null;) {
    const page: { receipts: any[]; next_offset: number | null } = await rpc('receipt.audit', {
      from_height: 1,
      to_height: cp,
      limit: 1000,
      offset,
    });
    for (const r of page.receipts) {
      if (r.consumer === '0xblockops') cents -= Math.round(r.amount * 100);
      else if (r.provider === '0xblockops') cents += Math.round(r.amount * 100);
      if (r.consumer === '0xblockops' || r.provider === '0xblockops') cents += Math.round((r.subsidy ?? 0) * 100);
    }
    offset = page.next_offset;
  }
  const pnl = (await call('GET', '/api/pnl')).body;
  expect(parseAmount(pnl.balance.current)).toBe(BigInt(cents) * 10_000n); // exact: an amount in micro-tokens
});

test('a risk limit breached by real receipts halts on its own, naming limit, value and threshold (actor risk:<limit>)', async () => {
  expect((await call('PUT', '/api/emergency/limits', { maxPosition: '1', reason: 'test: tiny position limit' })).status).toBe(200);
  const res = await call('POST', '/api/operations', { operationId: 'risky-op-1', market: 'energy', estimatedCost: '40', units: 4 });
  expect(res.status).toBe(202);
  await rpc('dev.mine', { blocks: 2 });
  const halted = await until('the automatic halt', async () => {
    const s = await state();
    return s.state === 'HALT' ? s : undefined;
  });
  expect(halted.actor).toBe('risk:max_position');
  expect(halted.reason).toMatch(/^risk limit max_position breached \(\w+\): [\d.]+ against a limit of 1$/);
  expect(halted.risk.find((r: { limit: string }) => r.limit === 'max_position')).toMatchObject({ breached: true, threshold: '1' });
  const refused = await call('POST', '/api/operations', { market: 'compute', estimatedCost: '1', units: 1 });
  expect(refused).toMatchObject({ status: 409, body: { halt: { state: 'HALT' } } });
  await call('PUT', '/api/emergency/limits', { maxPosition: '50000', reason: 'test: restore' });
  expect((await transition('resume', 'limit raised')).body.state).toBe('NORMAL');
});

test("the controller's worker killed while halted: still halted after a restart, and RESUME still works", async () => {
  await transition('halt', 'before the crash');
  const worker = stack.processes.find((p) => p.name === 'worker')!;
  worker.child.kill('SIGKILL');
  await worker.exited;
  const port = await freePort();
  const w: ManagedProcess = await startProcess({
    name: 'worker-2',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
    env: {
      ...process.env,
      ...stack.env,
      WORKER_METRICS_PORT: String(port),
      RECEIPT_POLL_INTERVAL_MS: '100',
      EMERGENCY_POLLER_RECHECK_MS: '200',
      LOG_LEVEL: 'warn',
    },
    ready: () => httpOk(`http://127.0.0.1:${port}/health`),
    timeoutMs: 90_000,
    output: { file: path.join(stack.dataDir, 'logs', 'worker-2.log') },
  });
  try {
    expect(await state()).toMatchObject({ state: 'HALT', reason: 'before the crash' });
    expect((await call('POST', '/api/operations', { market: 'ad', estimatedCost: '1', units: 1 })).status).toBe(409);
    expect(await transition('halt', 'still?')).toMatchObject({
      status: 409,
      body: { error: 'cannot halt from HALT: halt is allowed from NORMAL, ALERT' },
    });
    expect((await transition('resume', 'after the crash')).body).toMatchObject({ previous: 'HALT', state: 'NORMAL' });
  } finally {
    await w.stop(2000);
  }
});
