/**
 * The treasury HTTP API on the whole stack (real processes): POST /api/disbursements answers
 * 202 / 400 with every problem / 409 / 413 / 401; the batch executes and its events arrive live;
 * the read endpoints, the throttle (audited) and the metrics.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { Client, Connection, defaultPayloadConverter } from '@temporalio/client';
import { MAX_BATCH_BODY_BYTES } from '@blockops/domain';
import { connectRedis, eventSchema, type BlockopsEvent } from '@blockops/events';
import { poll, startTestStack } from '@blockops/stack';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
const OPERATOR = 'operator-key-for-tests-0001';
const VIEWER = 'viewer-key-for-tests-00001';
const run = randomUUID().slice(0, 6);

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      RECEIPT_POLLER_AUTOSTART: 'false',
      TREASURY_PREFIX: `test:${run}:treasury`,
      TREASURY_EXECUTOR_PREFIX: `api${run}`,
      TREASURY_CHUNK_SIZE: '5',
      TREASURY_IDLE_POLL_MS: '100',
    },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '23'],
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (stack?.env.REDIS_URL) {
    const redis = await connectRedis(stack.env.REDIS_URL);
    for await (const keys of redis.scanIterator({ MATCH: `test:${run}:*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
    redis.destroy();
  }
});

async function call(
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  key: string | null = method === 'GET' ? VIEWER : OPERATOR,
) {
  const res = await fetch(`${stack.urls.web}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-actor': 'jest', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const item = (id: string, memo?: string, amount = '2.5') => ({
  id: `${run}-${id}`,
  destination: '0xabcd01',
  amount,
  ...(memo ? { memo } : {}),
});

test('202: a batch is stored, executed in dependency order and watched live; reads, graph, item, audit', async () => {
  const batchId = `${run}-ok`;
  const socket = io(stack.urls.web!, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token: VIEWER, rooms: [`workflow:disburse-${batchId}`] },
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('connect_error', reject);
  });
  const seen = new Set<string>();
  const events: BlockopsEvent[] = [];
  socket.on('events', (batch: BlockopsEvent[]) => {
    for (const e of batch) {
      events.push(e);
      if (e.type === 'disbursement_status_changed') for (const i of e.items) if (i.status === 'EXECUTED') seen.add(i.id);
    }
  });

  const items = [
    item('a'),
    item('b', `depends_on=${run}-a`),
    item('c', `{"depends_on": ["${run}-a", "${run}-b"]}`, '0.01'),
    ...Array.from({ length: 12 }, (_, i) => item(`n${i}`, `depends_on=${run}-c`)),
  ];
  const res = await call('POST', '/api/disbursements', { batchId, items });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({
    batchId,
    workflowId: `disburse-${batchId}`,
    items: 15,
    totalAmount: '35.01',
    consoleUrl: `/treasury/${batchId}`,
    temporalUrl: expect.stringContaining(`/workflows/disburse-${batchId}`),
  });

  const done = (
    await poll(() => call('GET', `/api/disbursements/batches/${batchId}`), {
      description: 'the batch to complete',
      until: (b) => b.body.status === 'COMPLETED',
      timeoutMs: 60_000,
    })
  ).body;
  expect(done).toMatchObject({
    total: 15,
    counts: { QUEUED: 0, EXECUTED: 15, CANCELLED: 0, FAILED: 0 },
    executedAmount: '35.01',
    levels: 4,
    timings: { firstSubmitAt: expect.any(String), lastExecutedAt: expect.any(String) },
    consoleUrl: `/treasury/${batchId}`,
  });
  await poll(() => seen.size === 15, { description: 'every item to arrive live', timeoutMs: 15_000 });
  socket.close();
  // the nonces were synced alongside the intake: the workflow got the batch as stored and ran no prepareBatch
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  try {
    const history = await new Client({ connection }).workflow.getHandle(`disburse-${batchId}`).fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    expect(defaultPayloadConverter.fromPayload(started.input!.payloads![0]!)).toMatchObject({
      batchId,
      prepared: { counts: { QUEUED: 15, EXECUTED: 0, CANCELLED: 0, FAILED: 0 }, readyLeft: 1, throttle: { chunkSize: 5 } },
    });
    const markers = history.events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    const localActivities = markers.map((e) => Buffer.from(e.markerRecordedEventAttributes!.details!.data!.payloads![0]!.data!).toString());
    expect(localActivities.some((d) => d.includes('"prepareBatch"'))).toBe(false);
    expect(localActivities.some((d) => d.includes('"finishBatch"'))).toBe(true); // markers read as expected
  } finally {
    await connection.close();
  }
  const statusEvents = events.filter((e) => e.type === 'disbursement_status_changed');
  expect(statusEvents.length).toBeLessThan(15); // many items per event
  for (const e of statusEvents) expect(eventSchema.safeParse(e).success).toBe(true);

  const list = await call('GET', '/api/disbursements/batches?limit=10');
  expect(list.body.batches.map((b: { batchId: string }) => b.batchId)).toContain(batchId);
  const executed = await call('GET', `/api/disbursements/batches/${batchId}/items?status=EXECUTED&limit=2&offset=1`);
  expect(executed.body).toMatchObject({ total: 15, items: [{ id: `${run}-b` }, { id: `${run}-c` }] });
  expect(executed.body.items[1]).toMatchObject({
    status: 'EXECUTED',
    dependsOn: [`${run}-a`, `${run}-b`],
    txHash: expect.any(String),
    nonce: expect.any(Number),
    attempts: 1,
  });
  const graph = await call('GET', `/api/disbursements/batches/${batchId}/graph`);
  expect(graph.body.ids).toHaveLength(15);
  expect(graph.body.status.every((s: string) => s === 'EXECUTED')).toBe(true);
  expect(graph.body.edges).toEqual(
    expect.arrayContaining([
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 3],
    ]),
  );
  const one = await call('GET', `/api/disbursements/${run}-c`);
  expect(one.body).toMatchObject({ id: `${run}-c`, amount: '0.01', memo: `{"depends_on": ["${run}-a", "${run}-b"]}` });
  expect(one.body.dependents).toHaveLength(12);
  expect((await call('GET', '/api/disbursements/nope-404')).status).toBe(404);
  expect((await call('GET', '/api/disbursements/batches/nope-404')).status).toBe(404);
  expect((await call('GET', `/api/disbursements/batches/${batchId}/items?status=PAID`)).status).toBe(400);

  const audit = (await call('GET', '/api/audit?limit=50')).body;
  expect(audit.entries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'disbursement.submit', target: batchId, outcome: 'accepted', actor: 'operator:jest' }),
    ]),
  );

  const workerMetrics = await (await fetch(stack.urls.workerMetrics!)).text();
  expect(workerMetrics).toMatch(/treasury_disbursements_total\{status="EXECUTED"\} \d+/);
  expect(workerMetrics).toMatch(/treasury_queue_depth \d+/);
  expect(workerMetrics).toMatch(/treasury_executor_nonce \d+/);
  expect(workerMetrics).toMatch(/treasury_execution_latency_seconds_count \d+/);
  const webMetrics = await (await fetch(`${stack.urls.web}/metrics`)).text();
  expect(webMetrics).toMatch(/treasury_disbursements_total\{status="QUEUED"\} \d+/);
});

test('400 lists every problem with item ids (a cycle by its path); nothing is stored', async () => {
  const res = await call('POST', '/api/disbursements', {
    items: [
      item('x1', `depends_on=${run}-x2`),
      item('x2', `depends_on=${run}-x1`),
      item('x3', undefined, '1.0000001'),
      item('x3'),
      { ...item('x4', 'depends_on=ghost'), destination: 'nowhere' },
    ],
  });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatch(/^invalid batch: 5 problems/);
  expect(res.body.issues).toEqual(
    expect.arrayContaining([
      {
        id: `${run}-x1`,
        field: 'items[0].memo',
        message: `dependency cycle: ${run}-x1 → ${run}-x2 → ${run}-x1`,
        path: [`${run}-x1`, `${run}-x2`, `${run}-x1`],
      },
      { id: `${run}-x3`, field: 'items[2].amount', message: 'must have at most 6 decimals' },
      { id: `${run}-x3`, field: 'items[3].id', message: 'duplicate id: also items[2]' },
      { id: `${run}-x4`, field: 'items[4].destination', message: expect.stringContaining('0x followed by 4–64 hex digits') },
      {
        id: `${run}-x4`,
        field: 'items[4].memo',
        message: expect.stringContaining('"ghost", which is neither in this batch nor accepted earlier'),
      },
    ]),
  );
  // nothing stored: the same ids are still free
  expect((await call('GET', `/api/disbursements/${run}-x1`)).status).toBe(404);
  const fixed = await call('POST', '/api/disbursements', { items: [item('x1'), item('x2', `depends_on=${run}-x1`)] });
  expect(fixed.status).toBe(202);
  expect(fixed.body.batchId).toMatch(/^batch-/);
});

test('409 for a reused batch id or item ids, naming them', async () => {
  const batchId = `${run}-dup`;
  expect((await call('POST', '/api/disbursements', { batchId, items: [item('d1')] })).status).toBe(202);
  const sameBatch = await call('POST', '/api/disbursements', { batchId, items: [item('d2')] });
  expect(sameBatch.status).toBe(409);
  expect(sameBatch.body).toMatchObject({ batchId, error: expect.stringContaining(`batchId "${batchId}" was already used`) });
  const sameItem = await call('POST', '/api/disbursements', { items: [item('d1'), item('d3')] });
  expect(sameItem.status).toBe(409);
  expect(sameItem.body).toMatchObject({ ids: [`${run}-d1`] });
  // d3 was not stored either
  expect((await call('GET', `/api/disbursements/${run}-d3`)).status).toBe(404);
});

test('413 beyond the body limit, naming it; 401 without a key; 403 with the viewer key', async () => {
  const url = new URL('/api/disbursements', stack.urls.web);
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${OPERATOR}`,
        'content-length': String(MAX_BATCH_BODY_BYTES + 1),
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write('{"items": [');
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body).error).toBe(`request body exceeds ${MAX_BATCH_BODY_BYTES} bytes`);
  expect((await call('POST', '/api/disbursements', { items: [item('k1')] }, null)).status).toBe(401);
  expect((await call('POST', '/api/disbursements', { items: [item('k1')] }, VIEWER)).status).toBe(403);
  expect((await call('GET', '/api/disbursements/batches', undefined, null)).status).toBe(401);
});

test('a full batch fits: 10,000 items with 8 KiB memos (~79 MiB) is accepted whole', async () => {
  // every memo exactly 8 KiB, each item after the previous one
  const memoOf = (i: number) => {
    const tail = i === 0 ? '' : `; depends_on=${run}-big-${i - 1}`;
    return 'm'.repeat(8192 - tail.length) + tail;
  };
  const items = Array.from({ length: 10_000 }, (_, i) => ({
    id: `${run}-big-${i}`,
    destination: '0xabcd01',
    amount: '0.01',
    memo: memoOf(i),
  }));
  const body = JSON.stringify({ batchId: `${run}-big`, items });
  expect(body.length).toBeGreaterThan(78 * 1024 * 1024);
  const res = await fetch(`${stack.urls.web}/api/disbursements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR}` },
    body,
  });
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ items: 10_000, totalAmount: '100', ready: 1 });
  const one = await call('GET', `/api/disbursements/${run}-big-5`);
  expect(one.body.memo === memoOf(5)).toBe(true); // the full memo is kept
  expect(one.body.dependsOn).toEqual([`${run}-big-4`]);
  const listed = await call('GET', `/api/disbursements/batches/${run}-big/items?limit=1&offset=5`);
  expect(listed.body.items[0].memo === memoOf(5).slice(0, 1024)).toBe(true); // lists carry the on-chain memo (1,024 bytes)
});

test('the throttle: read, changed (operator, audited, signalled to running batches), refused when out of range', async () => {
  expect((await call('GET', '/api/disbursements/throttle')).body).toMatchObject({ maxInFlightChunks: 4, chunkSize: 5, actor: 'config' });
  const bad = await call('PUT', '/api/disbursements/throttle', { chunkSize: 0, maxInFlightChunks: 65 });
  expect(bad.status).toBe(400);
  expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['chunkSize', 'maxInFlightChunks']);
  expect((await call('PUT', '/api/disbursements/throttle', { chunkSize: 9 }, null)).status).toBe(401);
  const ok = await call('PUT', '/api/disbursements/throttle', { chunkSize: 9, reason: 'node is slow' });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({
    maxInFlightChunks: 4,
    chunkSize: 9,
    actor: 'operator:jest',
    reason: 'node is slow',
    updatedAt: expect.any(String),
  });
  expect((await call('GET', '/api/disbursements/throttle')).body.chunkSize).toBe(9);
  const audit = (await call('GET', '/api/audit?limit=50')).body;
  expect(JSON.stringify(audit)).toContain('treasury.throttle');
  expect(JSON.stringify(audit)).toContain('node is slow');
});
