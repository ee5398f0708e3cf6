/**
 * The breakers API on the whole stack (real processes: web, worker, devnet, Redis, Temporal):
 * GET /api/breakers shows every breaker with the workers' settings; force-open / force-close /
 * reset need the operator key and a reason and are audited (refusals too); an operator's
 * transition is an event and a metric; while forced open POST /api/operations answers 503 with
 * Retry-After and nothing is started, reserved or sent, and the forced state holds until reset; a
 * submit the breaker refuses inside the workflow answers 503 the same way.
 */
import { connectRedis, readRange, type BlockopsEvent, type RedisClient } from '@blockops/events';
import { startTestStack } from '@blockops/stack';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let redis: RedisClient;
const OPERATOR = 'operator-key-for-tests-0001';
const VIEWER = 'viewer-key-for-tests-00001';
const OPEN_MS = 3000;

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      RECEIPT_POLL_INTERVAL_MS: '100',
      GATE_CACHE_MS: '100',
      BREAKER_FAILURE_THRESHOLD: '5',
      BREAKER_OPEN_MS: String(OPEN_MS),
      BREAKER_HALF_OPEN_PROBES: '1',
      BREAKER_SUCCESS_THRESHOLD: '2',
      BREAKER_PROBE_LEASE_MS: '2000',
      THEBLOCK_RPC_TIMEOUT_MS: '1000',
    },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '17'],
  });
  redis = await connectRedis(stack.env.REDIS_URL!);
}, 240_000);

afterAll(async () => {
  const keys = await redis?.keys(`${stack.names.accounts}*`);
  if (keys?.length) await redis.del(keys);
  redis?.destroy();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rpc(method: string, params?: unknown) {
  const res = await fetch(stack.env.THEBLOCK_RPC_URL!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: any }).result;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown, key: string | null = method === 'POST' ? OPERATOR : VIEWER) {
  const res = await fetch(`${stack.urls.web}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-actor': 'jest', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const theblock = async () => (await call('GET', '/api/breakers')).body.breakers.find((b: { name: string }) => b.name === 'theblock');
const submits = async () => (await rpc('dev.status')).calls['compute_market.submit_job'] ?? 0;
const metric = async (url: string, line: string) => {
  const found = (await (await fetch(url)).text()).split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? undefined : Number(found.split(' ').pop());
};
const breakerEvents = async () =>
  (await readRange(redis, stack.names.events, '0-0', '+', 10_000)).events.filter(
    (e): e is Extract<BlockopsEvent, { type: 'breaker_state_changed' }> => e.type === 'breaker_state_changed',
  );

test('GET /api/breakers: every breaker with state, counts, thresholds and times', async () => {
  const res = await call('GET', '/api/breakers');
  expect(res.status).toBe(200);
  expect(Date.parse(res.body.now)).toBeGreaterThan(0);
  expect(res.body.breakers).toEqual([
    {
      name: 'theblock',
      state: 'closed',
      stateValue: 0,
      forced: false,
      failures: 0,
      successes: 0,
      activeProbes: 0,
      openedAt: null,
      nextProbeAt: null,
      changedAt: null,
      // as the worker runs them (it registers its settings)
      thresholds: { failureThreshold: 5, windowMs: 300_000, openMs: OPEN_MS, halfOpenProbes: 1, successThreshold: 2, probeLeaseMs: 2000 },
      lastTransition: null,
    },
  ]);
  expect((await call('GET', '/api/breakers', undefined, null)).status).toBe(401);
  const doc = (await fetch(`${stack.urls.web}/api/openapi.json`).then((r) => r.json())) as { paths: Record<string, unknown> };
  for (const p of ['/api/breakers', '/api/breakers/{name}/{action}']) expect(doc.paths).toHaveProperty([p]);
});

test('force without a key → 401, with the viewer key → 403, without a reason → 400; all audited; nothing changes', async () => {
  expect((await call('POST', '/api/breakers/theblock/force-open', { reason: 'x' }, null)).status).toBe(401);
  expect((await call('POST', '/api/breakers/theblock/force-close', { reason: 'x' }, VIEWER)).status).toBe(403);
  const noReason = await call('POST', '/api/breakers/theblock/reset', {});
  expect(noReason.status).toBe(400);
  expect(noReason.body.issues).toEqual([{ field: 'reason', message: 'is required' }]);
  expect((await call('POST', '/api/breakers/nope/force-open', { reason: 'x' })).status).toBe(404);
  expect((await theblock()).state).toBe('closed');
  const audit = (await call('GET', '/api/audit?limit=20')).body.entries as Array<Record<string, string>>;
  expect(audit).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ actor: 'unauthenticated:jest', action: 'POST /api/breakers/theblock/force-open', outcome: 'rejected' }),
      expect.objectContaining({ actor: 'viewer:jest', action: 'POST /api/breakers/theblock/force-close', outcome: 'rejected' }),
      expect.objectContaining({ actor: 'operator:jest', action: 'breaker.reset', outcome: 'rejected' }),
      expect.objectContaining({ actor: 'operator:jest', action: 'breaker.force_open', target: 'nope', outcome: 'rejected' }),
    ]),
  );
});

test('forced open: an event and a metric; operations answer 503 with Retry-After, nothing started, reserved or sent; it holds until reset', async () => {
  const forced = await call('POST', '/api/breakers/theblock/force-open', { reason: 'node maintenance' });
  expect(forced.status).toBe(200);
  expect(forced.body).toMatchObject({ changed: true, breaker: { state: 'forced_open', stateValue: 1, forced: true } });
  expect(forced.body.breaker.lastTransition).toMatchObject({ trigger: 'force_open', reason: 'node maintenance', actor: 'operator:jest' });
  const again = await call('POST', '/api/breakers/theblock/force-open', { reason: 'twice' });
  expect(again.body.changed).toBe(false);
  const events = await breakerEvents();
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    breaker: 'theblock',
    previous_state: 'closed',
    new_state: 'forced_open',
    trigger: 'force_open',
    actor: 'operator:jest',
    reason: 'forced open: node maintenance',
  });
  // web and worker both export the shared state; the web counts its own transition
  expect(await metric(`${stack.urls.web}/metrics`, 'treasury_circuit_breaker_state{breaker="theblock"}')).toBe(1);
  expect(await metric(stack.urls.workerMetrics!, 'treasury_circuit_breaker_state{breaker="theblock"}')).toBe(1);
  expect(
    await metric(
      `${stack.urls.web}/metrics`,
      'treasury_circuit_breaker_transitions_total{breaker="theblock",from="closed",to="forced_open"}',
    ),
  ).toBe(1);

  const before = await submits();
  const op = await call('POST', '/api/operations', { operationId: 'forced-1', market: 'compute', estimatedCost: '10' });
  expect(op.status).toBe(503);
  expect(op.body).toMatchObject({ operationId: 'forced-1', breaker: 'theblock', state: 'forced_open' });
  expect(op.body.error).toContain('nothing was submitted');
  const retryAfter = Number(op.headers.get('retry-after'));
  expect(retryAfter).toBe(op.body.retryAfterSeconds);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(OPEN_MS / 1000);
  expect((await call('GET', '/api/pnl')).body.reserved).toBe('0');
  expect((await call('GET', '/api/runs/op-forced-1')).status).toBe(404);
  expect(await submits()).toBe(before);

  // longer than an open period: still forced open
  await sleep(OPEN_MS + 500);
  expect((await theblock()).state).toBe('forced_open');
  expect((await call('POST', '/api/operations', { operationId: 'forced-1', market: 'compute', estimatedCost: '10' })).status).toBe(503);

  const reset = await call('POST', '/api/breakers/theblock/reset', { reason: 'maintenance over' });
  expect(reset.body).toMatchObject({ changed: true, breaker: { state: 'closed', forced: false } });
  // the worker hears of it over the change channel; the same id now goes through
  const ok = await until('the submit to be admitted', async () => {
    const r = await call('POST', '/api/operations', { operationId: 'forced-1', market: 'compute', estimatedCost: '10' });
    return r.status === 202 ? r : undefined;
  });
  expect(ok.body.status).toBe('SUBMITTED');
  expect(await submits()).toBe(before + 1);
  expect((await breakerEvents()).map((e) => `${e.previous_state}>${e.new_state}`)).toEqual(['closed>forced_open', 'forced_open>closed']);
  const audit = (await call('GET', '/api/audit?limit=20')).body.entries as Array<Record<string, string>>;
  expect(audit).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'breaker.force_open', target: 'theblock', outcome: 'accepted', reason: 'node maintenance' }),
      expect.objectContaining({ action: 'breaker.reset', target: 'theblock', outcome: 'accepted', reason: 'maintenance over' }),
      expect.objectContaining({ action: 'operation.submit', target: 'forced-1', outcome: 'rejected' }),
    ]),
  );
});

test('failures open it from the worker; a submit it refuses inside the workflow answers 503 with Retry-After and releases its reservation', async () => {
  const reservedBefore = (await call('GET', '/api/pnl')).body.reserved; // forced-1 waits for its receipt
  await rpc('dev.set_fault', { method: 'compute_market.submit_job', error_rate: 1 });
  try {
    expect((await call('POST', '/api/operations', { operationId: 'fail-1', market: 'compute', estimatedCost: '1' })).status).toBe(502);
    const refused = await call('POST', '/api/operations', { operationId: 'fail-2', market: 'compute', estimatedCost: '1' });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ operationId: 'fail-2', breaker: 'theblock', workflowId: 'op-fail-2' });
    expect(Number(refused.headers.get('retry-after'))).toBe(refused.body.retryAfterSeconds);
    expect((await call('GET', '/api/pnl')).body.reserved).toBe(reservedBefore);
    const b = await theblock();
    expect(b).toMatchObject({ state: 'open', stateValue: 1 });
    expect(b.lastTransition).toMatchObject({ trigger: 'failures', reason: '5 consecutive transient failures within 300 s' });
    expect(b.lastTransition.cause).toContain('compute_market.submit_job');
    expect(Date.parse(b.nextProbeAt) - Date.parse(b.openedAt)).toBe(OPEN_MS);
  } finally {
    await rpc('dev.clear_faults');
  }
  // the worker moves it to half-open on time; the next submits probe and close it
  await until('half-open', async () => ((await theblock()).state === 'half_open' ? true : undefined), OPEN_MS + 10_000);
  expect((await call('POST', '/api/operations', { operationId: 'fail-2', market: 'compute', estimatedCost: '1' })).status).toBe(202);
  expect((await call('POST', '/api/operations', { operationId: 'fail-3', market: 'compute', estimatedCost: '1' })).status).toBe(202);
  expect((await theblock()).state).toBe('closed');
  expect(
    (await breakerEvents())
      .filter((e) => e.trigger !== 'force_open' && e.trigger !== 'reset')
      .map((e) => `${e.previous_state}>${e.new_state}:${e.trigger}`),
  ).toEqual(['closed>open:failures', 'open>half_open:open_timeout', 'half_open>closed:probe_successes']);
});
