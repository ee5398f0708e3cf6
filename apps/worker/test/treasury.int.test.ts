/**
 * Treasury disbursements end to end in one worker: the real Temporal dev server, the real devnet
 * process and Redis. What the node did is counted at the node (dev.treasury_payments): payment
 * order against dependencies, exactly one payment per executed item, the balance debited exactly.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { acceptBatch } from '@blockops/treasury';
import { executorNonces } from '@blockops/chain';
import { readRange } from '@blockops/events';
import { poll } from '@blockops/stack';
import { disburseStatusQuery, throttleSignal, transitionUpdate, type DisburseResult } from '@blockops/workflows/public';
import type { TreasuryPayment } from '@blockops/chain';
import { CHAIN_BREAKER, formatUnits } from '@blockops/domain';
import { useWorkerTestEnv } from './support/worker-env';
import type { HarnessOptions } from './support/worker-harness';
import { chainBatch, depsOf, sumAmounts, type RawDisbursement } from './support/batches';

const root = path.resolve(__dirname, '../../..');
const servers = useWorkerTestEnv({ devnetArgs: ['--block-interval-ms', '3600000', '--seed', '13', '--treasury-balance', '100000000'] });

function setup(extra: Partial<HarnessOptions> = {}) {
  return servers.harness({ chainTimeoutMs: 1000, ...extra });
}
type H = ReturnType<typeof setup>;

/**
 * Intake as the API does it (the nonces synced alongside, the batch as stored in the workflow input,
 * marked as started), then the batch's workflow on `taskQueue`.
 */
async function run(h: H, taskQueue: string, items: RawDisbursement[], input: Record<string, unknown> = {}) {
  const batchId = `b-${randomUUID().slice(0, 8)}`;
  const accepted = await acceptBatch(
    h.treasury,
    { batchId, items },
    { newBatchId: () => batchId, nodeNonces: (p) => executorNonces(h.chain, p) },
  );
  if (accepted.kind !== 'accepted') throw new Error(JSON.stringify(accepted));
  if (!accepted.prepared) throw new Error('the nonce sync did not finish with the intake');
  const handle = await servers.client.workflow.start('disburse', {
    taskQueue,
    workflowId: accepted.workflowId,
    args: [{ batchId, idlePollMs: 100, chunkTimeoutMs: 5000, prepared: accepted.prepared, ...input }],
  });
  await h.treasury.markWorkflowStarted(batchId);
  return { batchId, handle };
}

async function payments(h: H, ids: string[]): Promise<TreasuryPayment[]> {
  const out: TreasuryPayment[] = [];
  for (let s = 0; s < ids.length; s += 10_000) {
    out.push(...(await h.chain.dev.treasuryPayments({ disbursement_ids: ids.slice(s, s + 10_000), limit: 10_000 })).payments);
  }
  return out;
}

/**
 * Every run of a workflow execution, oldest first: its history length, the chunk activities with
 * their input, whether it ran prepareBatch, and how many chunks its first workflow task scheduled.
 */
async function runsOf(workflowId: string) {
  const runs: {
    startedAt: number;
    events: number;
    chunks: { size: number; scheduled: number; closed?: number }[];
    prepared: boolean;
    firstTaskChunks: number;
  }[] = [];
  const executions = servers.client.workflow.list({ query: `WorkflowId = '${workflowId}'` });
  for await (const e of executions) {
    const history = await servers.client.workflow.getHandle(workflowId, e.runId).fetchHistory();
    const events = history.events ?? [];
    const firstTaskEnd = events.findIndex((ev) => ev.workflowTaskCompletedEventAttributes);
    const secondTask = events.findIndex((ev, i) => i > firstTaskEnd && ev.workflowTaskScheduledEventAttributes);
    const firstTaskChunks = events
      .slice(firstTaskEnd, secondTask < 0 ? undefined : secondTask)
      .filter((ev) => ev.activityTaskScheduledEventAttributes?.activityType?.name === 'executeChunk').length;
    // prepareBatch as an activity, or as a local activity (its marker names it)
    const prepared = events.some(
      (ev) =>
        ev.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareBatch' ||
        (ev.markerRecordedEventAttributes?.markerName === 'core_local_activity' &&
          Buffer.from(ev.markerRecordedEventAttributes.details?.data?.payloads?.[0]?.data ?? [])
            .toString()
            .includes('"prepareBatch"')),
    );
    const bySchedule = new Map<string, { size: number; scheduled: number; closed?: number }>();
    events.forEach((ev, i) => {
      const a = ev.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name === 'executeChunk') {
        const payload = a.input!.payloads![0]!;
        const input = JSON.parse(Buffer.from(payload.data!).toString()) as { size: number };
        bySchedule.set(String(ev.eventId), { size: input.size, scheduled: i });
      }
      const done = ev.activityTaskCompletedEventAttributes?.scheduledEventId;
      if (done) {
        const c = bySchedule.get(String(done));
        if (c) c.closed = i;
      }
    });
    runs.push({ startedAt: e.startTime.getTime(), events: events.length, chunks: [...bySchedule.values()], prepared, firstTaskChunks });
  }
  return runs.sort((a, b) => a.startedAt - b.startedAt);
}

test('every item is paid once, each after all its dependencies (payment order at the node); history stays bounded across runs', async () => {
  const h = setup({ throttle: { maxInFlightChunks: 4, chunkSize: 10 } });
  const items = chainBatch({ tag: randomUUID().slice(0, 6), chains: 40, depth: 6, fanIn: true });
  const before = formatUnits((await h.chain.treasury.balance()).balance);
  // one round per chunk: at least 24 chunk activities (72 events) however fast they run, so a limit
  // of 50 always needs more than one run (100 did not once prepare and finish became local activities)
  const MAX_HISTORY = 50;
  const result = await h.withWorker(async (tq) => {
    const { handle } = await run(h, tq, items, { maxHistoryEvents: MAX_HISTORY, chunkBudgetMs: 0 });
    return (await handle.result()) as DisburseResult;
  });
  expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 240, CANCELLED: 0, FAILED: 0 });
  expect(result.runs).toBeGreaterThan(1); // continued-as-new, carrying only the chunk cursor

  const paid = await payments(
    h,
    items.map((i) => i.id),
  );
  expect(paid).toHaveLength(240); // once each
  const seq = new Map(paid.map((p) => [p.disbursement_id, p.seq]));
  expect(seq.size).toBe(240);
  for (const item of items) for (const d of depsOf(item.memo)) expect(seq.get(d)!).toBeLessThan(seq.get(item.id)!);
  const spent = sumAmounts(items.map((i) => i.amount));
  expect(sumAmounts(paid.map((p) => formatUnits(p.amount)))).toBe(spent);
  const after = formatUnits((await h.chain.treasury.balance()).balance);
  expect(sumAmounts([after, spent])).toBe(before);
  // no executor ever had two items in flight: each executor's payments carry rising nonces
  const byExecutor = new Map<string, number[]>();
  for (const p of paid) byExecutor.set(p.executor, [...(byExecutor.get(p.executor) ?? []), p.nonce]);
  for (const nonces of byExecutor.values()) expect(nonces).toEqual([...nonces].sort((a, b) => a - b));

  const runs = await runsOf(`disburse-${result.batchId}`);
  expect(runs.length).toBe(result.runs);
  for (const r of runs) expect(r.events).toBeLessThan(MAX_HISTORY + 6 * 4 + 10); // the limit, plus draining 4 chunks in flight
  // started as the API starts it: the first task launched the chunks (the 4 allowed) with no prepareBatch;
  // every later run read the store again (prepared is not carried across continue-as-new)
  expect(runs.map((r) => r.prepared)).toEqual([false, ...runs.slice(1).map(() => true)]);
  expect(runs[0]!.firstTaskChunks).toBe(4);
  const summary = await h.treasury.batchSummary(result.batchId);
  expect(summary).toMatchObject({ status: 'COMPLETED', executedAmount: spent, totalAmount: spent });

  // the console's live view: one event per chunk result, covering every item
  const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 100_000);
  const mine = events.filter((e) => e.type === 'disbursement_status_changed' && e.batch_id === result.batchId);
  const seen = new Set(mine.flatMap((e) => (e.type === 'disbursement_status_changed' ? e.items.map((i) => i.id) : [])));
  expect(seen.size).toBe(240);
  expect(mine.length).toBeLessThan(240 / 5);
});

test('an invalid destination cancels the item and all its dependents transitively, naming the root cause; the rest executes', async () => {
  const h = setup();
  const tag = randomUUID().slice(0, 6);
  const items = chainBatch({ tag, chains: 4, depth: 4 });
  const bad = items.find((i) => i.id === `${tag}-c1-l1`)!;
  bad.destination = '0xbad1bad1';
  await h.chain.dev.rejectDestination({ destination: bad.destination, reason: 'sanctioned address' });
  const result = await h.withWorker(async (tq) => (await (await run(h, tq, items)).handle.result()) as DisburseResult);
  expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 13, CANCELLED: 3, FAILED: 0 });
  expect(await h.treasury.item(bad.id)).toMatchObject({ status: 'CANCELLED', reason: expect.stringContaining('sanctioned address') });
  for (const l of [2, 3]) {
    expect(await h.treasury.item(`${tag}-c1-l${l}`)).toMatchObject({
      status: 'CANCELLED',
      rootCause: bad.id,
      reason: expect.stringContaining(`dependency ${bad.id} did not execute: invalid destination`),
    });
  }
  // the run replays deterministically (and is a replay fixture of workflows/test/replay.test.ts, a run started as
  // the API starts it; disburse.history.json and disburse-local-prepare.history.json are runs recorded before)
  const history = await servers.client.workflow.getHandle(`disburse-${result.batchId}`).fetchHistory();
  if (process.env.UPDATE_FIXTURES)
    writeFileSync(path.join(root, 'workflows/test/fixtures/disburse-prepared.history.json'), historyToJSON(history));
  await Worker.runReplayHistory(
    { workflowBundle: servers.bundle, sinks: { events: { emit: { fn: () => {}, callDuringReplay: false } } } },
    history,
    'disburse',
  );

  const paid = await payments(
    h,
    items.map((i) => i.id),
  );
  expect(paid.map((p) => p.disbursement_id).sort()).toEqual(
    items
      .map((i) => i.id)
      .filter((id) => !/-c1-l[123]$/.test(id))
      .sort(),
  );
});

test('insufficient treasury cancels the item and its dependents with the root cause; nothing is retried into a payment', async () => {
  const h = setup();
  const tag = randomUUID().slice(0, 6);
  const items: RawDisbursement[] = [
    { id: `${tag}-small`, destination: '0xabcd01', amount: '1' },
    { id: `${tag}-huge`, destination: '0xabcd02', amount: '200000000' },
    { id: `${tag}-after`, destination: '0xabcd03', amount: '1', memo: `depends_on=${tag}-huge` },
    { id: `${tag}-later`, destination: '0xabcd04', amount: '1', memo: `{"depends_on": ["${tag}-after", "${tag}-small"]}` },
  ];
  const result = await h.withWorker(async (tq) => (await (await run(h, tq, items)).handle.result()) as DisburseResult);
  expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 1, CANCELLED: 3, FAILED: 0 });
  expect(await h.treasury.item(`${tag}-huge`)).toMatchObject({
    status: 'CANCELLED',
    reason: expect.stringContaining('insufficient treasury balance'),
  });
  expect(await h.treasury.item(`${tag}-later`)).toMatchObject({ status: 'CANCELLED', rootCause: `${tag}-huge` });
  expect(
    (
      await payments(
        h,
        items.map((i) => i.id),
      )
    ).map((p) => p.disbursement_id),
  ).toEqual([`${tag}-small`]);
});

test('transient faults (errors inside batches, whole requests held) are retried with the same nonces: every item paid exactly once', async () => {
  const h = setup({ throttle: { maxInFlightChunks: 3, chunkSize: 20 }, chainTimeoutMs: 400 });
  const items = chainBatch({ tag: randomUUID().slice(0, 6), chains: 30, depth: 4, fanIn: true });
  const before = formatUnits((await h.chain.treasury.balance()).balance);
  await h.chain.dev.setFault({ method: 'treasury.submit_disbursement', error_rate: 0.3, timeout_rate: 0.01 });
  let result: DisburseResult;
  try {
    result = await h.withWorker(
      async (tq) => (await (await run(h, tq, items, { chunkTimeoutMs: 3000 })).handle.result()) as DisburseResult,
    );
  } finally {
    await h.chain.dev.clearFaults();
  }
  expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 120, CANCELLED: 0, FAILED: 0 });
  const paid = await payments(
    h,
    items.map((i) => i.id),
  );
  expect(paid).toHaveLength(120);
  expect(new Set(paid.map((p) => p.disbursement_id)).size).toBe(120);
  expect(sumAmounts([formatUnits((await h.chain.treasury.balance()).balance), ...items.map((i) => i.amount)])).toBe(before);
  const retried = (await h.treasury.listItems(result.batchId, { limit: 200 })).items.filter((i) => i.attempts > 1);
  expect(retried.length).toBeGreaterThan(0); // the faults did hit
  const errors = (await h.metrics.registry.getSingleMetric('treasury_execution_errors_total')!.get()).values;
  expect(errors.find((v) => v.labels.reason === 'unavailable')?.value).toBeGreaterThan(0);
  // every retry followed an attempt that ended (and published): nothing is told twice
  const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 100_000);
  const told = events.flatMap((e) =>
    e.type === 'disbursement_status_changed' && e.batch_id === result.batchId
      ? e.items.filter((i) => i.status === 'EXECUTED').map((i) => i.id)
      : [],
  );
  expect(told).toHaveLength(120);
  expect(new Set(told).size).toBe(120);
});

test('the throttle changed while a batch runs takes effect for the next chunks', async () => {
  const h = setup({ throttle: { maxInFlightChunks: 1, chunkSize: 5 } });
  const items = chainBatch({ tag: randomUUID().slice(0, 6), chains: 60, depth: 2 });
  await h.chain.dev.setFault({ method: 'treasury.submit_disbursement', latency_ms: 40 });
  try {
    const result = await h.withWorker(async (tq) => {
      const { handle, batchId } = await run(h, tq, items, { chunkBudgetMs: 0 }); // one round per chunk
      // a few chunks at 1 × 5, then the operator opens it up
      await poll(() => h.treasury.progress(batchId), {
        description: 'the first chunks at 1 × 5',
        until: (p) => p.counts.EXECUTED >= 15,
        intervalMs: 20,
      });
      const t = await h.treasury.setThrottle({ maxInFlightChunks: 4, chunkSize: 10, reason: 'test' }, 'operator:test');
      await handle.signal(throttleSignal, { maxInFlightChunks: t.maxInFlightChunks, chunkSize: t.chunkSize });
      return (await handle.result()) as DisburseResult;
    });
    expect(result.counts.EXECUTED).toBe(120);
    const chunks = (await runsOf(`disburse-${result.batchId}`)).flatMap((r) => r.chunks);
    const first = chunks.findIndex((c) => c.size === 10);
    expect(first).toBeGreaterThan(0);
    expect(chunks.slice(0, first).every((c) => c.size === 5)).toBe(true);
    expect(chunks.slice(first).every((c) => c.size === 10)).toBe(true);
    // before: one chunk at a time; after: several overlapping
    const overlap = (list: typeof chunks) =>
      Math.max(...list.map((c) => list.filter((o) => o.scheduled <= c.scheduled && (o.closed ?? Infinity) > c.scheduled).length));
    expect(overlap(chunks.slice(0, first))).toBe(1);
    expect(overlap(chunks.slice(first))).toBeGreaterThan(1);
  } finally {
    await h.chain.dev.clearFaults();
  }
});

test('the shared breaker forced open: no submission reaches the node, items stay QUEUED and the batch shows it held; reset → every item paid once', async () => {
  const h = setup({ breaker: { openMs: 300 } });
  await h.breakers.forceOpen(CHAIN_BREAKER);
  const before = await submitsAtNode();
  const items = chainBatch({ tag: randomUUID().slice(0, 6), chains: 5, depth: 2 });
  const result = await h.withWorker(async (tq) => {
    const { handle, batchId } = await run(h, tq, items);
    // refused rounds come back after the breaker's retry delay; several refusals, none sent
    const held = await poll(
      async () => {
        const b = await h.treasury.batchSummary(batchId);
        return b?.status === 'HALTED' ? b : undefined;
      },
      { description: 'the batch to show the breaker holding it' },
    );
    expect(held).toMatchObject({ counts: { QUEUED: 10 } });
    expect(held!.haltedReason).toContain(`circuit breaker ${CHAIN_BREAKER} is forced open`);
    const rejected = async () =>
      ((await h.metrics.registry.getSingleMetric('treasury_circuit_breaker_calls_total')?.get())?.values ?? [])
        .filter((v) => v.labels.outcome === 'rejected')
        .reduce((a, v) => a + v.value, 0);
    await poll(async () => (await rejected()) >= 3, { description: 'three rounds refused by the breaker' });
    expect(await submitsAtNode()).toBe(before);
    expect(
      await payments(
        h,
        items.map((i) => i.id),
      ),
    ).toHaveLength(0);
    await h.breakers.reset(CHAIN_BREAKER);
    return (await handle.result()) as DisburseResult;
  });
  expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 10, CANCELLED: 0, FAILED: 0 });
  expect(await h.treasury.batchSummary(result.batchId)).toMatchObject({ status: 'COMPLETED' });
  const paid = await payments(
    h,
    items.map((i) => i.id),
  );
  expect(paid).toHaveLength(10);
  expect(new Set(paid.map((p) => p.disbursement_id)).size).toBe(10);
});

/** Every treasury.submit_disbursement call that reached the servers.devnet (any outcome), from its /metrics. */
async function submitsAtNode(): Promise<number> {
  const text = await (await fetch(`${servers.devnet.urls.devnet}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^theblock_devnet_rpc_calls_total\{([^}]*)\} (\d+)$/gm))
    if (m[1]!.includes('method="treasury.submit_disbursement"')) n += Number(m[2]);
  return n;
}

test('HALT during a running 10,000-item batch: after the acknowledgement nothing reaches the node, items stay QUEUED, the run waits and shows it; RESUME pays every item exactly once', async () => {
  const h = setup({ throttle: { maxInFlightChunks: 4, chunkSize: 100 }, executors: 1024 });
  const tag = randomUUID().slice(0, 6);
  const items = chainBatch({ tag, chains: 1000, depth: 10, fanIn: true });
  const ids = items.map((i) => i.id);
  expect(items).toHaveLength(10_000);
  const result = await h.withWorker(async (tq) => {
    const controller = await servers.client.workflow.start('emergencyController', {
      workflowId: `emergency-${randomUUID()}`,
      taskQueue: tq,
      args: [{}],
    });
    // a short history limit: the halted run continues as new while it waits, and must not announce the HALT again
    const { handle, batchId } = await run(h, tq, items, { chunkBudgetMs: 200, haltRecheckMs: 50, maxHistoryEvents: 300 });
    await poll(async () => (await h.treasury.progress(batchId)).counts.EXECUTED, {
      description: 'the batch to be under way',
      until: (n) => n >= 300,
      intervalMs: 10,
      timeoutMs: 120_000,
    });
    await controller.executeUpdate(transitionUpdate, { args: [{ action: 'halt', reason: 'treasury drill', actor: 'operator:test' }] });
    const ackMs = Date.now();

    // the run holds its chunks and waits: nothing in flight, the held items QUEUED
    const view = await poll(() => handle.query(disburseStatusQuery), {
      description: 'the run to hold its chunks with nothing in flight',
      until: (v) => (v.held?.length ?? 0) > 0 && v.inFlight.length === 0,
      intervalMs: 20,
    });
    expect(view.halt).toMatchObject({ state: 'HALT', reason: 'treasury drill' });
    const submitsAtHalt = await submitsAtNode();
    const paidAtHalt = (await h.chain.dev.treasuryPayments({ disbursement_ids: ids, limit: 10_000 })).total;
    // it keeps waiting (re-checking the state) while nothing more reaches the node
    const rechecks = async () => ((await handle.fetchHistory()).events ?? []).filter((e) => e.markerRecordedEventAttributes).length;
    const before = await rechecks();
    await poll(rechecks, { description: 'the halted run to re-check the state five times', until: (n) => n >= before + 5, intervalMs: 50 });
    await poll(() => handle.query(disburseStatusQuery), {
      description: 'the halted run to continue as new',
      until: (v) => v.run > view.run && (v.held?.length ?? 0) > 0,
      intervalMs: 50,
      timeoutMs: 60_000,
    });
    expect(await submitsAtNode()).toBe(submitsAtHalt);
    const log = await h.chain.dev.treasuryPayments({ disbursement_ids: ids, limit: 10_000 });
    expect(log.total).toBe(paidAtHalt);
    // no permit was granted after the acknowledgement (every submission takes one)
    expect((await h.emergency.intentsSince(ackMs)).filter((i) => i.id.startsWith('disb:'))).toEqual([]);
    const summary = await h.treasury.batchSummary(batchId);
    expect(summary).toMatchObject({
      status: 'HALTED',
      haltedReason: 'HALT: treasury drill',
      counts: { QUEUED: 10_000 - paidAtHalt, EXECUTED: paidAtHalt, CANCELLED: 0, FAILED: 0 },
    });
    expect(paidAtHalt).toBeLessThan(10_000);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const { events } = await readRange(servers.redis, servers.stream, '0-0', '+', 100_000);
    const halted = events.filter((e) => e.type === 'execution_halted' && e.workflowId === `disburse-${batchId}`);
    expect(halted).toHaveLength(1);
    expect(halted[0]).toMatchObject({ reason: expect.stringContaining('HALT: treasury drill') });

    await controller.executeUpdate(transitionUpdate, { args: [{ action: 'resume', reason: 'drill over', actor: 'operator:test' }] });
    const r = (await handle.result()) as DisburseResult;
    await controller.terminate('test over');
    return r;
  });
  expect(result.counts).toEqual({ QUEUED: 0, EXECUTED: 10_000, CANCELLED: 0, FAILED: 0 });
  // counted at the node: every item paid exactly once, the exact sum
  const log = await h.chain.dev.treasuryPayments({ disbursement_ids: ids, limit: 10_000 });
  expect(log.total).toBe(10_000);
  const perId = new Map<string, number>();
  for (const p of log.payments) perId.set(p.disbursement_id, (perId.get(p.disbursement_id) ?? 0) + 1);
  expect(perId.size).toBe(10_000);
  expect([...perId.values()].every((c) => c === 1)).toBe(true);
  expect(formatUnits(log.total_paid)).toBe(sumAmounts(items.map((i) => i.amount)));
  expect(await h.treasury.batchSummary(result.batchId)).toMatchObject({ status: 'COMPLETED' });
});

test('a batch may depend on items of an earlier batch still running: it waits for them, then pays after them', async () => {
  const h = setup({ throttle: { maxInFlightChunks: 1, chunkSize: 5 } });
  const tag = randomUUID().slice(0, 6);
  const first = chainBatch({ tag: `${tag}a`, chains: 3, depth: 5 });
  const second: RawDisbursement[] = [{ id: `${tag}-x`, destination: '0xabcd05', amount: '2', memo: `depends_on=${tag}a-c2-l4` }];
  await h.withWorker(async (tq) => {
    const a = await run(h, tq, first);
    const b = await run(h, tq, second);
    await Promise.all([a.handle.result(), b.handle.result()]);
  });
  const paid = await payments(h, [`${tag}a-c2-l4`, `${tag}-x`]);
  expect(paid.map((p) => p.disbursement_id)).toEqual([`${tag}a-c2-l4`, `${tag}-x`]);
});

test('an item cancelled at intake by a dead dependency of an earlier batch is never paid, though its other dependencies execute', async () => {
  const h = setup();
  const tag = randomUUID().slice(0, 6);
  const bad: RawDisbursement = { id: `${tag}-bad`, destination: '0xbad2bad2', amount: '1' };
  await h.chain.dev.rejectDestination({ destination: bad.destination, reason: 'sanctioned address' });
  const later: RawDisbursement[] = [
    { id: `${tag}-z`, destination: '0xabcd06', amount: '1' },
    { id: `${tag}-y`, destination: '0xabcd07', amount: '1', memo: `depends_on=${tag}-bad,${tag}-z` },
    { id: `${tag}-w`, destination: '0xabcd08', amount: '1', memo: `depends_on=${tag}-y` },
  ];
  const results = await h.withWorker(async (tq) => {
    const first = (await (await run(h, tq, [bad])).handle.result()) as DisburseResult;
    const second = (await (await run(h, tq, later)).handle.result()) as DisburseResult;
    return [first, second];
  });
  expect(results.map((r) => r.counts)).toEqual([
    { QUEUED: 0, EXECUTED: 0, CANCELLED: 1, FAILED: 0 },
    { QUEUED: 0, EXECUTED: 1, CANCELLED: 2, FAILED: 0 },
  ]);
  expect(await h.treasury.item(`${tag}-y`)).toMatchObject({ status: 'CANCELLED', rootCause: bad.id });
  expect((await payments(h, [bad.id, ...later.map((i) => i.id)])).map((p) => p.disbursement_id)).toEqual([`${tag}-z`]);
});
