/**
 * The API contract against a running stack: every route answers, on its success and error paths,
 * exactly as the OpenAPI document (generated from the route registry) says — each live answer is
 * validated with Ajv against the document's schema for its path, method and status. The test
 * fails when a route file under app/api has no registry entry (its path or a method it serves is
 * missing from the document), and when a documented operation was never called successfully.
 */
import { poll, startTestStack } from '@blockops/stack';
import { Contract, METHODS, routeFiles, validateDocument, type Method, type OpenApiDocument } from './support/contract';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let contract: Contract;
const OPERATOR = 'operator-key-for-contract-01';
const VIEWER = 'viewer-key-for-contract-0001';
const WEBHOOK_TOKEN = 'alertmanager-token-contract-01';

/** `METHOD /template` → statuses seen, so the last test can check every operation was exercised. */
const seen = new Map<string, Set<number>>();

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      RECEIPT_POLL_INTERVAL_MS: '100',
      OPERATION_POLL_INTERVAL_MS: '500',
      GATE_CACHE_MS: '100',
      ALERTS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    },
    devnetArgs: ['--block-interval-ms', '200', '--seed', '15'],
  });
  const doc = (await (await fetch(`${stack.urls.web}/api/openapi.json`)).json()) as OpenApiDocument;
  contract = new Contract(doc);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function rpc(method: string, params?: unknown) {
  const res = await fetch(stack.env.THEBLOCK_RPC_URL!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: unknown }).result;
}

interface Call {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Calls the live API, checks the status, validates the answer against the document, and records it. */
async function call(method: Method, path: string, expected: number, opts: Call = {}): Promise<Record<string, any>> {
  const key = opts.key === undefined ? (method === 'GET' ? VIEWER : OPERATOR) : opts.key;
  const res = await fetch(`${stack.urls.web}${path}`, {
    method,
    headers: {
      ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      'x-actor': 'contract-test',
      ...opts.headers,
    },
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} → ${res.status}: not JSON: ${text.slice(0, 200)}`);
  }
  expect({ call: `${method} ${path}`, status: res.status, body: res.status === expected ? 'as expected' : body }).toEqual({
    call: `${method} ${path}`,
    status: expected,
    body: 'as expected',
  });
  expect(contract.problems(method, path, res.status, body, res.headers)).toEqual([]);
  const template = contract.templateOf(path)!;
  const k = `${method} ${template}`;
  if (!seen.has(k)) seen.set(k, new Set());
  seen.get(k)!.add(res.status);
  return body as Record<string, any>;
}

const until = <T>(description: string, fn: () => Promise<T | undefined>) => poll(fn, { description });

test('the document is valid OpenAPI 3.1 and complete: servers, operationIds, security per route, query defaults', () => {
  const { doc } = contract;
  expect(doc.openapi).toBe('3.1.0');
  expect(validateDocument(doc)).toMatchObject({ valid: true });
  expect(doc.servers.length).toBeGreaterThan(0);
  // every tag an operation uses is declared (with its description) in the document's list
  const declared = new Set((doc as { tags?: { name: string }[] }).tags?.map((t) => t.name));
  for (const [t, m] of contract.operations())
    for (const tag of (contract.operation(t, m) as { tags?: string[] }).tags ?? [])
      expect({ op: `${m} ${t}`, tag, declared: declared.has(tag) }).toEqual({ op: `${m} ${t}`, tag, declared: true });
  const ids = contract.operations().map(([t, m]) => contract.operation(t, m)!.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(contract.operation('/api/health', 'GET')!.security).toEqual([]);
  expect(contract.operation('/api/openapi.json', 'GET')!.security).toEqual([]);
  for (const [t, m] of contract.operations()) {
    const op = contract.operation(t, m)!;
    if (t === '/api/health' || t === '/api/openapi.json') continue;
    const role = m === 'GET' ? 'viewer' : 'operator';
    // Alertmanager's webhook also takes its own token
    const own = t === '/api/alerts/webhook' ? [{ alertsWebhookToken: [] }] : [];
    expect({ op: `${m} ${t}`, security: op.security }).toEqual({
      op: `${m} ${t}`,
      security: [...own, { bearerKey: [role] }, { apiKeyHeader: [role] }],
    });
    for (const status of ['401', '403', '500', '503'])
      expect({ op: `${m} ${t}`, status, has: status in op.responses }).toMatchObject({ has: true });
    if (m !== 'GET')
      for (const status of ['413', '415']) expect({ op: `${m} ${t}`, status, has: status in op.responses }).toMatchObject({ has: true });
  }
  // query parameters with their defaults
  const params = (t: string) => Object.fromEntries((contract.operation(t, 'GET')!.parameters ?? []).map((p) => [p.name, p.schema]));
  expect(params('/api/audit')).toMatchObject({ limit: { default: 100, maximum: 1000 }, before: { type: 'string' } });
  expect(params('/api/runs')).toMatchObject({
    limit: { default: 50 },
    workflowType: {},
    status: { enum: expect.arrayContaining(['RUNNING']) },
    // blockops' search attributes, the filters Temporal Web's query box takes
    market: { enum: ['compute', 'storage', 'energy', 'ad'] },
    businessStatus: { enum: expect.arrayContaining(['EXPIRED', 'CONFIRMED']) },
    correlationId: { type: 'string' },
    batchId: { type: 'string' },
  });
  expect(params('/api/receipts')).toMatchObject({
    limit: { default: 100 },
    offset: { default: 0 },
    market: { enum: ['compute', 'storage', 'energy', 'ad'] },
  });
  expect(params('/api/operations/closed')).toMatchObject({ status: { enum: ['EXPIRED', 'REJECTED', 'FAILED'] } });
  // error bodies name their fields
  const submit = contract.operation('/api/operations', 'POST')!.responses;
  const schemaOf = (status: string) => JSON.stringify((submit[status]!.content!['application/json'] as { schema: unknown }).schema);
  expect(schemaOf('402')).toMatch(/"need".*"available"/);
  expect(schemaOf('409')).toContain('"gate"');
  expect(schemaOf('409')).toContain('"halt"');
  expect(contract.doc.components.securitySchemes).toHaveProperty('alertsWebhookToken');
  expect(schemaOf('202')).toContain('"workflowId"');
  // an operation's record says when it was confirmed late, and by which receipt
  const listed = JSON.stringify(contract.doc.components.schemas?.Operation);
  expect(listed).toContain('"lateFrom"');
  expect(listed).toContain('"receiptId"');
  // each run in the list carries its search attributes
  expect(JSON.stringify(contract.doc.components.schemas?.RunSummary)).toMatch(/"market".*"businessStatus".*"correlationId".*"batchId"/);
});

test('every route file is in the registry: its path and every method it serves are documented; others answer JSON 405 with Allow', async () => {
  const files = routeFiles();
  expect(files.filter((f) => f.catchAll).map((f) => f.path)).toEqual(['/api/[...path]']);
  for (const f of files.filter((x) => !x.catchAll)) {
    expect({ file: f.file, documented: f.path in contract.doc.paths }).toEqual({ file: f.file, documented: true });
    const concrete = f.path.replace(/\{\w+\}/g, 'contract-probe');
    const documented = METHODS.filter((m) => contract.operation(f.path, m));
    const allow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort().join(', ');
    for (const m of METHODS.filter((x) => !documented.includes(x))) {
      const res = await fetch(`${stack.urls.web}${concrete}`, {
        method: m,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR}` },
        body: m === 'GET' ? undefined : '{}',
      });
      const body = (await res.json().catch(() => null)) as { error?: string } | null;
      expect({ file: f.file, method: m, status: res.status, allow: res.headers.get('allow'), error: typeof body?.error }).toEqual({
        file: f.file,
        method: m,
        status: 405,
        allow,
        error: 'string',
      });
    }
  }
  // every documented path has a route file (nothing documented that does not exist)
  const filePaths = new Set(files.map((f) => f.path));
  expect(Object.keys(contract.doc.paths).filter((p) => !filePaths.has(p))).toEqual([]);
});

test('unknown /api paths answer a JSON 404 for every method', async () => {
  for (const m of METHODS) {
    const res = await fetch(`${stack.urls.web}/api/no/such/path`, { method: m, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { error: string }).error).toContain('/api/no/such/path');
  }
  // a known prefix with extra segments is unknown too
  expect((await fetch(`${stack.urls.web}/api/runs/x/y`)).status).toBe(404);
});

test('system: health (open), status, the document', async () => {
  await call('GET', '/api/health', 200, { key: null });
  await call('GET', '/api/openapi.json', 200, { key: null });
  const status = await call('GET', '/api/status', 200);
  expect(status.accounting.balance.starting).toBe('100000');
  await call('GET', '/api/status', 401, { key: null });
  await call('GET', '/api/status', 401, { key: 'x'.repeat(VIEWER.length) });
});

test('operations: 202, then listed pending and confirmed; 400, 402, 409, 413, 415, 403 as documented', async () => {
  const submitted = await call('POST', '/api/operations', 202, { body: { market: 'compute', estimatedCost: '12.5', units: 10 } });
  const id = submitted.operationId as string;
  await call('GET', '/api/operations/pending', 200);
  const confirmed = await until('the operation to be confirmed', async () => {
    const page = await call('GET', '/api/operations/confirmed?limit=10', 200);
    return page.items.find((o: { operationId: string }) => o.operationId === id);
  });
  expect(confirmed).toMatchObject({ status: 'CONFIRMED', estimatedCost: '12.5', actualCost: expect.stringMatching(/^\d+(\.\d+)?$/) });
  expect(Date.parse(confirmed.submittedAt)).toBeGreaterThan(Date.now() - 600_000);

  // reusing a confirmed id is a conflict once its run has closed (the record is CONFIRMED a moment
  // before the run ends; while it still runs, the same id is answered with its first answer)
  await until('the operation run to close', async () =>
    (await call('GET', `/api/runs/op-${id}`, 200)).status === 'COMPLETED' ? true : undefined,
  );
  await call('POST', '/api/operations', 409, { body: { operationId: id, market: 'compute', estimatedCost: '1' } });
  const invalid = await call('POST', '/api/operations', 400, { body: { market: 'moon', estimatedCost: -1 } });
  expect(invalid.issues.map((i: { field: string }) => i.field).sort()).toEqual(['estimatedCost', 'market']);
  const poor = await call('POST', '/api/operations', 402, { body: { market: 'storage', estimatedCost: '900000000' } });
  expect(poor).toMatchObject({ need: '900000000', available: expect.stringMatching(/^\d+(\.\d+)?$/) });
  await rpc('dev.set_gate', { market: 'ad', state: 'Halt', reason: 'contract test' });
  try {
    const gated = await until('the gate cache to see the halt', async () => {
      const res = await fetch(`${stack.urls.web}/api/gates`, { headers: { authorization: `Bearer ${VIEWER}` } });
      return ((await res.json()) as { gates: { ad: { state: string } } }).gates.ad.state === 'Halt' ? true : undefined;
    });
    expect(gated).toBe(true);
    const closed = await until('a 409 from the halted gate', async () => {
      const res = await fetch(`${stack.urls.web}/api/operations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR}` },
        body: JSON.stringify({ market: 'ad', estimatedCost: '1' }),
      });
      return res.status === 409 ? true : undefined;
    });
    expect(closed).toBe(true);
    const refused = await call('POST', '/api/operations', 409, { body: { market: 'ad', estimatedCost: '1' } });
    expect(refused.gate).toMatchObject({ market: 'ad', state: 'Halt', reason: 'contract test' });
  } finally {
    await rpc('dev.set_gate', { market: 'ad', state: 'Trade', reason: 'open' });
  }
  await call('POST', '/api/operations', 413, {
    rawBody: JSON.stringify({ market: 'compute', estimatedCost: '1', pad: 'x'.repeat(70_000) }),
  });
  await call('POST', '/api/operations', 415, {
    headers: { 'content-type': 'text/plain' },
    body: { market: 'compute', estimatedCost: '1' },
  });
  await call('POST', '/api/operations', 403, {
    headers: { origin: 'https://evil.example' },
    body: { market: 'compute', estimatedCost: '1' },
  });
  await call('POST', '/api/operations', 403, { key: VIEWER, body: { market: 'compute', estimatedCost: '1' } });
  await call('POST', '/api/operations', 401, { key: null, body: { market: 'compute', estimatedCost: '1' } });

  // closed lists every closed status by default, and filters by what it lists
  const closed = await call('GET', '/api/operations/closed', 200);
  expect(closed.statuses).toEqual(['EXPIRED', 'REJECTED', 'FAILED']);
  expect(closed.items.some((o: { status: string }) => o.status === 'REJECTED')).toBe(true);
  const rejected = await call('GET', '/api/operations/closed?status=REJECTED&limit=5', 200);
  expect(rejected.items.every((o: { status: string }) => o.status === 'REJECTED')).toBe(true);
  await call('GET', '/api/operations/closed?status=SUBMITTED', 400);
  await call('GET', '/api/operations/pending?limit=0', 400);
  await call('GET', '/api/operations/confirmed?offset=-1', 400);
  await call('GET', '/api/operations/schema', 200);
});

test('an operation gone EXPIRED before its receipt is listed CONFIRMED (late), and found by its search attributes in the runs list', async () => {
  const correlationId = `contract-late-${Date.now()}`;
  // the issue's case: a 100 ms deadline, blocks every 200 ms, the receipt 2 blocks after submission
  const submitted = await call('POST', '/api/operations', 202, {
    body: { market: 'energy', estimatedCost: '7.25', units: 2, confirmTimeoutMs: 100 },
    headers: { 'x-correlation-id': correlationId },
  });
  const id = submitted.operationId as string;
  // whatever the deadline saw (the node may already hold the receipt: never EXPIRED over a charge), the record ends CONFIRMED
  const confirmed = await until('the operation listed as confirmed', async () => {
    const page = await call('GET', '/api/operations/confirmed?limit=50', 200);
    return page.items.find((o: { operationId: string }) => o.operationId === id);
  });
  expect(confirmed).toMatchObject({
    status: 'CONFIRMED',
    estimatedCost: '7.25',
    actualCost: expect.stringMatching(/^\d+(\.\d{1,2})?$/),
    blockHeight: expect.any(Number),
    receiptId: expect.any(String),
  });
  // the run's own outcome: EXPIRED (then the record says it was confirmed late) or CONFIRMED at the deadline
  const run = await until('the run in visibility with its outcome', async () => {
    const list = await call('GET', `/api/runs?correlationId=${correlationId}&market=energy`, 200);
    const r = list.runs.find((x: { workflowId: string; businessStatus: string | null }) => x.workflowId === submitted.workflowId);
    return r && (r.businessStatus === 'EXPIRED' || r.businessStatus === 'CONFIRMED') ? r : undefined;
  });
  expect(run).toMatchObject({ market: 'energy', correlationId, batchId: null });
  if (run.businessStatus === 'EXPIRED')
    expect(confirmed).toMatchObject({ lateFrom: 'EXPIRED', reason: expect.stringContaining(confirmed.receiptId) });
  else expect(confirmed.lateFrom).toBeUndefined();
  const byOutcome = await call('GET', `/api/runs?market=energy&businessStatus=${run.businessStatus}&limit=200`, 200);
  expect(byOutcome.runs.map((r: { workflowId: string }) => r.workflowId)).toContain(submitted.workflowId);
  expect(
    byOutcome.runs.every(
      (r: { market: string; businessStatus: string }) => r.market === 'energy' && r.businessStatus === run.businessStatus,
    ),
  ).toBe(true);
  await call('GET', '/api/runs?businessStatus=LOST', 400);
  await call('GET', `/api/runs?correlationId=${encodeURIComponent("x' OR WorkflowId != '")}`, 400);
  await call('GET', '/api/runs?market=moon', 400);
});

test('accounting: P&L and its series', async () => {
  const pnl = await until('a transaction of ours', async () => {
    const p = await call('GET', '/api/pnl', 200);
    return p.transactions.length > 0 ? p : undefined;
  });
  expect(typeof pnl.total).toBe('string');
  const series = await call('GET', '/api/pnl/series?limit=10', 200);
  expect(series.points.length).toBeGreaterThan(0);
  expect(Date.parse(series.points[0].t)).not.toBeNaN();
  await call('GET', '/api/pnl/series?limit=0', 400);
  const unknown = await call('GET', '/api/pnl/series?limt=10', 400);
  expect(unknown.issues[0]).toMatchObject({ field: 'limt', message: expect.stringContaining('unknown query parameter') });
});

test("runs: list with the filters the list's own values take, start, describe, 404", async () => {
  const started = await call('POST', '/api/runs', 202, { body: { workflowType: 'noop' } });
  await call('POST', '/api/runs', 400, { body: { workflowType: 'nope' } });
  await call('POST', '/api/runs', 400, { body: { workflowType: 'networkCheck', input: { minStrength: 500 } } });
  await call('POST', '/api/runs', 400, { rawBody: '{not json' });
  const running = await until('the poller to be listed as RUNNING', async () => {
    const list = await call('GET', '/api/runs?status=RUNNING&workflowType=receiptPoller', 200);
    return list.runs.length > 0 ? list : undefined;
  });
  expect(running.runs.every((r: { status: string }) => r.status === 'RUNNING')).toBe(true);
  const all = await call('GET', '/api/runs?limit=200', 200);
  for (const status of new Set<string>(all.runs.map((r: { status: string }) => r.status))) {
    await call('GET', `/api/runs?status=${status}&limit=1`, 200);
  }
  await call('GET', '/api/runs?status=Running', 400);
  await until('the noop run to complete', async () => {
    const run = await call('GET', `/api/runs/${started.workflowId}`, 200);
    return run.status === 'COMPLETED' ? run : undefined;
  });
  await call('GET', '/api/runs/no-such-run', 404);
  await call('GET', '/api/workflows', 200);
});

test("the node's view: gates, markets, network, peers, receipts; 502 when the node fails", async () => {
  await call('GET', '/api/gates', 200);
  await call('GET', '/api/markets/health', 200);
  await call('GET', '/api/network/metrics', 200);
  await call('GET', '/api/peers', 200);
  const receipts = await call('GET', '/api/receipts?limit=5&market=compute', 200);
  expect(receipts.receipts.every((r: { market: string }) => r.market === 'compute')).toBe(true);
  await call('GET', '/api/receipts?market=moon', 400);
  await rpc('dev.set_fault', { method: 'governor.status', error_rate: 1 });
  try {
    const failed = await call('GET', '/api/gates', 502);
    expect(failed.errorClass).toBe('transient');
  } finally {
    await rpc('dev.clear_faults');
  }
});

test('alerts: the webhook (its token or the operator key; 400, 401) records, the list shows firing and history', async () => {
  const alert = (status: 'firing' | 'resolved') => ({
    version: '4',
    status,
    receiver: 'blockops-console',
    alerts: [
      {
        status,
        labels: { alertname: 'ContractTestAlert', severity: 'warning' },
        annotations: { summary: 'a contract test alert', runbook_url: 'docs/runbooks/ContractTestAlert.md' },
        startsAt: '2026-01-01T00:00:00.000Z',
        ...(status === 'resolved' ? { endsAt: '2026-01-01T00:05:00.000Z' } : {}),
        fingerprint: 'contract0001',
      },
    ],
  });
  expect(await call('POST', '/api/alerts/webhook', 200, { key: WEBHOOK_TOKEN, body: alert('firing') })).toEqual({
    received: 1,
    recorded: 1,
  });
  const listed = await call('GET', '/api/alerts?history=10', 200);
  expect(listed.firing).toEqual([expect.objectContaining({ name: 'ContractTestAlert', status: 'firing', severity: 'warning' })]);
  await call('POST', '/api/alerts/webhook', 200, { key: OPERATOR, body: alert('resolved') });
  expect((await call('GET', '/api/alerts', 200)).firing).toEqual([]);
  const invalid = await call('POST', '/api/alerts/webhook', 400, { key: WEBHOOK_TOKEN, body: { ...alert('firing'), version: '3' } });
  expect(invalid.issues[0]).toMatchObject({ field: 'version' });
  // the viewer key is no webhook token
  await call('POST', '/api/alerts/webhook', 401, { key: VIEWER, body: alert('firing') });
  await call('POST', '/api/alerts/webhook', 401, { key: null, body: alert('firing') });
  await call('GET', '/api/alerts?history=-1', 400);
});

test('emergency: state, limits, halt (operations refused 409 naming it), resume; 400, 404, 409, 403 as documented', async () => {
  const before = await call('GET', '/api/emergency', 200);
  expect(before).toMatchObject({ state: 'NORMAL', limits: { dailyLoss: expect.any(String) }, risk: expect.any(Array) });
  const limits = await call('GET', '/api/emergency/limits', 200);
  await call('PUT', '/api/emergency/limits', 200, {
    body: { maxDrawdownPct: limits.limits.maxDrawdownPct, reason: 'contract test: unchanged drawdown' },
  });
  const badLimits = await call('PUT', '/api/emergency/limits', 400, { body: { dailyLoss: 'lots', reason: 'x' } });
  expect(badLimits.issues[0]).toMatchObject({ field: 'dailyLoss' });
  await call('PUT', '/api/emergency/limits', 403, { key: VIEWER, body: { dailyLoss: '1', reason: 'x' } });

  await call('POST', '/api/emergency/explode', 404, { body: { reason: 'x' } });
  const noReason = await call('POST', '/api/emergency/halt', 400, { body: {} });
  expect(noReason.issues[0]).toMatchObject({ field: 'reason' });
  await call('POST', '/api/emergency/halt', 403, { key: VIEWER, body: { reason: 'x' } });
  await call('POST', '/api/emergency/halt', 401, { key: null, body: { reason: 'x' } });
  expect(await call('POST', '/api/emergency/halt', 200, { body: { reason: 'contract test halt' } })).toMatchObject({
    previous: 'NORMAL',
    state: 'HALT',
    action: 'halt',
  });
  try {
    await call('POST', '/api/emergency/halt', 409, { body: { reason: 'again' } });
    const halted = await call('POST', '/api/operations', 409, { body: { market: 'compute', estimatedCost: '1' } });
    expect(halted.halt).toMatchObject({ state: 'HALT', reason: 'contract test halt' });
    expect((await call('GET', '/api/emergency', 200)).history[0]).toMatchObject({ state: 'HALT' });
  } finally {
    await call('POST', '/api/emergency/resume', 200, { body: { reason: 'contract test over' } });
  }
  // refused operator calls are audited with the method and path
  const audit = await call('GET', '/api/audit?limit=50', 200);
  const refused = audit.entries.filter((e: { action: string }) => e.action === 'POST /api/emergency/halt');
  expect(refused.map((e: { reason: string }) => e.reason)).toEqual(['unauthorized: no valid key', 'forbidden: needs the operator key']);
});

test('treasury: submit (202, 400 with item ids, 409), the throttle, batches, a batch, its items and graph, an item; 404s', async () => {
  const run = `ct${Date.now().toString(36)}`;
  const item = (id: string, memo?: string) => ({ id: `${run}-${id}`, destination: '0xabcd01', amount: '1.5', ...(memo ? { memo } : {}) });
  const batchId = `${run}-b`;
  const accepted = await call('POST', '/api/disbursements', 202, {
    body: { batchId, items: [item('a'), item('b', `depends_on=${run}-a`)] },
  });
  expect(accepted).toMatchObject({ batchId, workflowId: `disburse-${batchId}`, items: 2, totalAmount: '3' });
  const invalid = await call('POST', '/api/disbursements', 400, { body: { items: [item('x', `depends_on=${run}-x`), { id: 'y' }] } });
  expect(invalid.issues).toEqual(
    expect.arrayContaining([
      { id: `${run}-x`, field: 'items[0].memo', message: 'depends on itself' },
      expect.objectContaining({ id: 'y' }),
    ]),
  );
  await call('POST', '/api/disbursements', 409, { body: { batchId, items: [item('c')] } });
  await call('GET', '/api/disbursements/throttle', 200);
  expect(await call('PUT', '/api/disbursements/throttle', 200, { body: { chunkSize: 100, reason: 'contract test' } })).toMatchObject({
    chunkSize: 100,
    actor: 'operator:contract-test',
  });
  await call('PUT', '/api/disbursements/throttle', 400, { body: { chunkSize: 0 } });
  await call('GET', '/api/disbursements/batches?limit=5', 200);
  await call('GET', '/api/disbursements/batches?limit=0', 400);
  await until('the batch to complete', async () => {
    const b = await call('GET', `/api/disbursements/batches/${batchId}`, 200);
    return b.status === 'COMPLETED' ? b : undefined;
  });
  const executed = await call('GET', `/api/disbursements/batches/${batchId}/items?status=EXECUTED`, 200);
  expect(executed.total).toBe(2);
  await call('GET', `/api/disbursements/batches/${batchId}/items?status=PAID`, 400);
  expect((await call('GET', `/api/disbursements/batches/${batchId}/graph`, 200)).edges).toEqual([[0, 1]]);
  expect((await call('GET', `/api/disbursements/${run}-a`, 200)).dependents).toEqual([`${run}-b`]);
  await call('GET', '/api/disbursements/batches/no-such-batch', 404);
  await call('GET', '/api/disbursements/batches/no-such-batch/items', 404);
  await call('GET', '/api/disbursements/batches/no-such-batch/graph', 404);
  await call('GET', '/api/disbursements/no-such-item', 404);
});

test('breakers: listed; forced open (operations 503 with Retry-After), reset; 400, 401, 403, 404 as documented', async () => {
  const listed = await call('GET', '/api/breakers', 200);
  expect(listed.breakers).toEqual([expect.objectContaining({ name: 'theblock', state: 'closed', stateValue: 0 })]);
  const noReason = await call('POST', '/api/breakers/theblock/force-open', 400, { body: {} });
  expect(noReason.issues[0]).toMatchObject({ field: 'reason' });
  await call('POST', '/api/breakers/nope/force-open', 404, { body: { reason: 'x' } });
  await call('POST', '/api/breakers/theblock/explode', 404, { body: { reason: 'x' } });
  await call('POST', '/api/breakers/theblock/force-open', 403, { key: VIEWER, body: { reason: 'x' } });
  await call('POST', '/api/breakers/theblock/force-open', 401, { key: null, body: { reason: 'x' } });
  const forced = await call('POST', '/api/breakers/theblock/force-open', 200, { body: { reason: 'contract test: node maintenance' } });
  expect(forced).toMatchObject({ changed: true, breaker: { state: 'forced_open', stateValue: 1, forced: true } });
  try {
    const refused = await call('POST', '/api/operations', 503, { body: { market: 'compute', estimatedCost: '1' } });
    expect(refused).toMatchObject({ breaker: 'theblock', retryAt: expect.any(String), retryAfterSeconds: expect.any(Number) });
    await call('POST', '/api/breakers/theblock/force-close', 200, { body: { reason: 'contract test: held closed' } });
  } finally {
    await call('POST', '/api/breakers/theblock/reset', 200, { body: { reason: 'contract test over' } });
  }
  expect((await call('GET', '/api/breakers', 200)).breakers[0]).toMatchObject({ state: 'closed', forced: false });
});

test('audit: every control action above, newest first, paged by id', async () => {
  const page = await call('GET', '/api/audit?limit=5', 200);
  expect(page.entries.length).toBe(5);
  const older = await call('GET', `/api/audit?limit=5&before=${page.entries[4].id}`, 200);
  expect(older.entries[0].id < page.entries[4].id || older.entries.length === 0).toBe(true);
  await call('GET', '/api/audit?before=yesterday', 400);
  // refusals before the handler are audited too (415, 413, 400 above)
  const all = await call('GET', '/api/audit?limit=1000', 200);
  const reasons = all.entries.filter((e: { outcome: string }) => e.outcome === 'rejected').map((e: { reason?: string }) => e.reason ?? '');
  expect(reasons.some((r: string) => r.includes('Content-Type'))).toBe(true);
  expect(reasons.some((r: string) => r.includes('exceeds'))).toBe(true);
});

test('every documented operation was called with success, and with each error its input can cause', () => {
  const missing: string[] = [];
  for (const [t, m] of contract.operations()) {
    const statuses = seen.get(`${m} ${t}`) ?? new Set<number>();
    if (![...statuses].some((s) => s >= 200 && s < 300)) missing.push(`${m} ${t}: no 2xx`);
    const op = contract.operation(t, m)!;
    if ((op.parameters ?? []).some((p) => p.in === 'query') || op.requestBody) if (!statuses.has(400)) missing.push(`${m} ${t}: no 400`);
  }
  expect(missing).toEqual([]);
});
