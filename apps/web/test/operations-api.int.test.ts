/**
 * The operations and accounting HTTP API on the whole stack (real processes): POST
 * /api/operations answers from the workflow's admission (202/409/402/400), nothing reaches the
 * chain otherwise, and the read endpoints answer with the seed's shapes.
 */
import { connectRedis, type RedisClient } from '@blockops/events';
import { poll, startTestStack } from '@blockops/stack';
import { parseAmount } from '@blockops/domain';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let redis: RedisClient;
const OPERATOR = 'operator-key-for-tests-0001';
const VIEWER = 'viewer-key-for-tests-00001';

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      RECEIPT_POLL_INTERVAL_MS: '100',
      OPERATION_POLL_INTERVAL_MS: '500',
      GATE_CACHE_MS: '100',
    },
    // blocks only when a test mines them
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '3'],
  });
  redis = await connectRedis(stack.env.REDIS_URL!);
}, 240_000);

afterAll(async () => {
  redis?.destroy();
  await stack?.stop();
});

async function rpc(method: string, params?: unknown) {
  const res = await fetch(stack.env.THEBLOCK_RPC_URL!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: any }).result;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown, key = method === 'POST' ? OPERATOR : VIEWER) {
  const res = await fetch(`${stack.urls.web}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-actor': 'jest' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const DECIMAL = /^-?\d+(\.\d{1,6})?$/;
const AMOUNT_KEYS = new Set([
  'total',
  'balance',
  'starting',
  'current',
  'available',
  'reserved',
  'need',
  'totalSpent',
  'totalEarned',
  'subsidies',
  'pnl',
  'avgCostPerUnit',
  'amount',
  'subsidy',
  'estimatedCost',
  'actualCost',
  'estimated_cost',
  'actual_cost',
]);
/** Every money field of an answer, at any depth, with its path (`byMarket` values are money too). */
function moneyIn(v: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(v)) return v.flatMap((x, i) => moneyIn(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]): Array<[string, unknown]> => {
    const at = `${path}.${k}`;
    const count = k === 'total' && 'limit' in v; // a page's `total` counts items
    if (path.endsWith('byMarket') || (AMOUNT_KEYS.has(k) && !count && (typeof x !== 'object' || x === null))) return [[at, x]];
    return moneyIn(x, at);
  });
}
/** Asserts every amount is an exact decimal string (null where the field is empty); returns how many were checked. */
function expectDecimalStrings(body: unknown, path: string): number {
  const found = moneyIn(body, path).filter(([, x]) => x !== null && x !== undefined);
  for (const [at, x] of found) expect([at, typeof x === 'string' && DECIMAL.test(x)]).toEqual([at, true]);
  return found.length;
}
const units = (s: string) => parseAmount(s, { allowNegative: true });

test('202: submitted, pending, then confirmed by its receipt; P&L and the audit log show it', async () => {
  const res = await call('POST', '/api/operations', { market: 'compute', estimatedCost: '50.000001', units: 100 });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({
    operationId: expect.any(String),
    workflowId: `op-${res.body.operationId}`,
    status: 'SUBMITTED',
    txHash: expect.any(String),
  });
  expect(res.body.temporalUrl).toContain(encodeURIComponent(res.body.workflowId));
  const id = res.body.operationId as string;
  const pending = await call('GET', '/api/operations/pending');
  expect(pending.body.items.map((o: { operationId: string }) => o.operationId)).toContain(id);
  expect((await call('GET', '/api/pnl')).body.reserved).toBe('50.000001');
  expect(pending.body.items.find((o: { operationId: string }) => o.operationId === id).estimatedCost).toBe('50.000001');

  await rpc('dev.mine', { blocks: 2 });
  const confirmed = await poll(
    async () => {
      const page = await call('GET', '/api/operations/confirmed');
      return page.body.items.find((o: { operationId: string }) => o.operationId === id);
    },
    { description: 'the operation to be confirmed' },
  );
  expect(confirmed).toMatchObject({ status: 'CONFIRMED', blockHeight: expect.any(Number), actualCost: expect.stringMatching(DECIMAL) });
  const pnl = (await call('GET', '/api/pnl')).body;
  expect(pnl.reserved).toBe('0');
  expect(units(pnl.positions.compute.totalSpent)).toBeGreaterThanOrEqual(units(confirmed.actualCost));
  expect(
    pnl.transactions.some((t: { direction: string; amount: string }) => t.direction === 'spend' && t.amount === confirmed.actualCost),
  ).toBe(true);
  expect((await call('GET', '/api/pnl/series')).body.points.length).toBeGreaterThan(0);

  const audit = (await call('GET', '/api/audit?limit=50')).body;
  expect(JSON.stringify(audit)).toContain(id);

  // a confirmed operation's id is used up once its run has closed (while it still runs, the same
  // id is answered with its first answer): submitting it again is refused, nothing is submitted twice
  await poll(async () => ((await call('GET', `/api/runs/op-${id}`)).body.status === 'COMPLETED' ? true : undefined), {
    description: 'the operation run to close',
  });
  const again = await call('POST', '/api/operations', { operationId: id, market: 'compute', estimatedCost: '50.000001', units: 100 });
  expect(again.status).toBe(409);
  expect(again.body.error).toBe(`operationId: ${id} was already used by an operation that completed (op-${id}); use a new id`);
  expect((await call('GET', '/api/pnl')).body.reserved).toBe('0');
});

test('409 when the gate is closed, naming gate and reason; nothing reaches the chain', async () => {
  await rpc('dev.set_gate', { market: 'ad', state: 'PostOnly', reason: 'campaign review' });
  try {
    // the workers' gate cache holds states for GATE_CACHE_MS: wait until it no longer shows ad open
    await poll(
      async () => {
        const cached = await redis.get(`${stack.names.accounts}:gates`);
        return !cached || (JSON.parse(cached) as { ad: { state: string } }).ad.state !== 'Trade';
      },
      { description: 'the gate cache to drop the open ad gate' },
    );
    const res = await call('POST', '/api/operations', { operationId: 'gate-test-1', market: 'ad', estimatedCost: '5' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ gate: { market: 'ad', state: 'PostOnly', reason: 'campaign review' } });
    expect(res.body.error).toContain('PostOnly');
    expect((await rpc('tx.status', { operation_id: 'gate-test-1' })).status).toBe('unknown');
  } finally {
    await rpc('dev.set_gate', { market: 'ad', state: 'Trade', reason: 'open' });
  }
});

test('402 when the balance is short, naming need and available; nothing reaches the chain', async () => {
  const res = await call('POST', '/api/operations', { operationId: 'poor-1', market: 'storage', estimatedCost: '900000000.25' });
  expect(res.status).toBe(402);
  expect(res.body).toMatchObject({ need: '900000000.25', available: expect.stringMatching(DECIMAL) });
  expect(res.body.error).toBe(`insufficient balance: need 900000000.25, available ${res.body.available}`);
  expect((await rpc('tx.status', { operation_id: 'poor-1' })).status).toBe('unknown');
});

test('400 names the field and the limit; no key → 401; viewer key → 403', async () => {
  const bad = await call('POST', '/api/operations', { market: 'moon', estimatedCost: -1 });
  expect(bad.status).toBe(400);
  expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['estimatedCost', 'market']);
  const big = await call('POST', '/api/operations', { market: 'energy', estimatedCost: '1000000000000.000001' });
  expect(big.body.issues[0]).toEqual({ field: 'estimatedCost', message: 'must be at most 1000000000000' });
  const fine = await call('POST', '/api/operations', { market: 'energy', estimatedCost: '0.1234567' });
  expect(fine.body.issues[0]).toEqual({ field: 'estimatedCost', message: 'must have at most 6 decimals' });
  const zero = await call('POST', '/api/operations', { market: 'energy', estimatedCost: '0' });
  expect(zero.body.issues[0]).toEqual({ field: 'estimatedCost', message: 'must be greater than 0' });
  // a JSON number is refused, not rounded: amounts are decimal strings
  const number = await call('POST', '/api/operations', { market: 'energy', estimatedCost: 12.5 });
  expect(number.status).toBe(400);
  expect(number.body.issues[0]).toMatchObject({ field: 'estimatedCost', message: expect.stringMatching(/expected string/) });
  expect((await fetch(`${stack.urls.web}/api/operations`, { method: 'POST', body: '{}' })).status).toBe(401);
  expect((await call('POST', '/api/operations', { market: 'energy', estimatedCost: '1' }, VIEWER)).status).toBe(403);
});

test('read endpoints answer with the seed shapes; OpenAPI lists them all', async () => {
  await rpc('dev.mine', { blocks: 20 });
  const receipts = (await call('GET', '/api/receipts?limit=5&market=energy')).body;
  expect(receipts.receipts.length).toBeLessThanOrEqual(5);
  expect(receipts.receipts.every((r: { market: string }) => r.market === 'energy')).toBe(true);
  const heights = receipts.receipts.map((r: { block_height: number }) => r.block_height);
  expect(heights).toEqual([...heights].sort((a, b) => b - a)); // newest first
  expect((await call('GET', '/api/receipts?limit=5000')).status).toBe(400);
  expect((await call('GET', '/api/gates')).body.gates.compute).toMatchObject({ state: 'Trade' });
  expect((await call('GET', '/api/network/metrics')).body).toMatchObject({
    network_strength: expect.any(Number),
    block_height: expect.any(Number),
    peer_count: 23,
  });
  const markets = (await call('GET', '/api/markets/health')).body;
  expect(Object.keys(markets.markets).sort()).toEqual(['ads', 'compute', 'energy', 'storage']);
  expect(markets.total_markets).toBe(4);
  expect((await call('GET', '/api/peers')).body.total).toBe(23);
  const status = (await call('GET', '/api/status')).body;
  expect(status.poller).toMatchObject({ workflowId: 'receipt-poller', status: 'RUNNING' });
  expect(status.accounting.account).toBe('0xblockops');
  expect(expectDecimalStrings(status, 'status')).toBe(4);
  const health = await poll(() => fetch(`${stack.urls.web}/api/health`).then((r) => r.json() as Promise<Record<string, any>>), {
    until: (h) => h.status === 'healthy',
    description: 'the poller to catch up (health: healthy)',
  });
  expect(health.poller.lag).toBeLessThanOrEqual(100);
  // the worker exports the seeds' accounting and poller metrics
  const metrics = await fetch(stack.urls.workerMetrics!).then((r) => r.text());
  for (const name of [
    'receipt_poller_cycles',
    'receipt_poller_receipts_processed',
    'theblock_receipts_processed_total{market="compute"}',
    'accounting_receipts_processed_total{market="compute",direction="spend"}',
    'accounting_pnl_current{market="total"}',
    'accounting_position_value{market="compute"}',
  ]) {
    expect(metrics).toContain(name);
  }
  expect(Number(/^receipt_poller_receipts_processed (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  const doc = (await fetch(`${stack.urls.web}/api/openapi.json`).then((r) => r.json())) as {
    paths: Record<string, any>;
    components: { schemas: Record<string, any> };
  };
  // amounts are exact decimal strings in the document too
  const amountPattern = '^-?\\d+(\\.\\d{1,6})?$';
  const pnlAnswer = doc.paths['/api/pnl'].get.responses[200].content['application/json'].schema;
  expect(pnlAnswer.properties.total).toMatchObject({ type: 'string', pattern: amountPattern });
  expect(doc.components.schemas.Position.properties.avgCostPerUnit).toMatchObject({ type: 'string', pattern: amountPattern });
  const submitBody = doc.paths['/api/operations'].post.requestBody.content['application/json'].schema;
  expect(submitBody.properties.estimatedCost).toMatchObject({ type: 'string', description: expect.stringContaining('at most 6 decimals') });
  for (const p of [
    '/api/health',
    '/api/status',
    '/api/pnl',
    '/api/pnl/series',
    '/api/gates',
    '/api/operations',
    '/api/operations/pending',
    '/api/operations/confirmed',
    '/api/receipts',
    '/api/network/metrics',
    '/api/markets/health',
    '/api/peers',
  ]) {
    expect(doc.paths).toHaveProperty([p]);
  }
});

test('after activity, every amount the API returns is an exact decimal string, and the figures add up exactly', async () => {
  // spends of awkward amounts (float sums of these drift), receipts of ours as provider, more blocks
  for (const estimatedCost of ['0.1', '0.2', '7016.06', '33.333333']) {
    expect((await call('POST', '/api/operations', { market: 'energy', estimatedCost })).status).toBe(202);
  }
  await rpc('dev.mine', { blocks: 40 });
  await poll(async () => (await call('GET', '/api/operations/pending')).body.total === 0, {
    description: 'the operations to be confirmed',
  });
  await poll(() => call('GET', '/api/status'), {
    until: (st) => st.body.accounting.checkpoint >= st.body.chain.height,
    description: 'the poller to catch up with the head',
  });
  const pnl = (await call('GET', '/api/pnl')).body;
  const series = (await call('GET', '/api/pnl/series')).body;
  const confirmed = (await call('GET', '/api/operations/confirmed')).body;
  const receipts = (await call('GET', '/api/receipts?limit=200')).body;
  const status = (await call('GET', '/api/status')).body;
  expect(expectDecimalStrings(pnl, 'pnl')).toBeGreaterThan(30);
  expect(expectDecimalStrings(series, 'series')).toBeGreaterThan(6);
  expect(expectDecimalStrings(confirmed, 'confirmed')).toBeGreaterThan(8);
  expect(expectDecimalStrings(receipts, 'receipts')).toBeGreaterThan(100);
  expect(expectDecimalStrings(status, 'status')).toBe(4);
  // exact: total = balance − start = Σ markets; available = balance − reserved; the last series point is the summary
  expect(units(pnl.total)).toBe(units(pnl.balance.current) - units(pnl.balance.starting));
  expect(units(pnl.total)).toBe(Object.values(pnl.byMarket as Record<string, string>).reduce((a, v) => a + units(v), 0n));
  for (const [m, p] of Object.entries(pnl.positions as Record<string, Record<string, string>>)) {
    expect(units(p.pnl!)).toBe(units(p.totalEarned!) + units(p.subsidies!) - units(p.totalSpent!));
    expect(p.pnl).toBe(pnl.byMarket[m]);
  }
  expect(units(pnl.available)).toBe(units(pnl.balance.current) - units(pnl.reserved));
  expect(status.accounting.pnl).toBe(pnl.total);
  const last = series.points.at(-1);
  expect(last).toMatchObject({ total: pnl.total, balance: pnl.balance.current, byMarket: pnl.byMarket });
});
