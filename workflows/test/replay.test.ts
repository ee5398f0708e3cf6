/**
 * Determinism guard: saved histories of real runs must replay against the current workflow code.
 * A change that would break running workflows fails here. Fixtures recorded before a patch
 * (`operation`, `receipt-poller`, `network-check`, `disburse`, `disburse-local-prepare`) prove old runs still replay; the others cover
 * the patched paths. Each replay is checked for what it did: the workflow code ran the whole
 * history (its events, recorded by a sink that runs during replay, match the history) and reached
 * the result the history recorded. Regenerate a fixture only for an intended, versioned change:
 * UPDATE_FIXTURES=1 on the integration test that records it (apps/worker/test/network-check.int.test.ts,
 * apps/worker/test/receipts-operations.int.test.ts, apps/worker/test/emergency-controller.int.test.ts,
 * apps/worker/test/treasury.int.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { WorkflowEvent } from '../src/sinks';
import { workflowInterceptorModules, workflowsPath } from '../src/public';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface Expectation {
  workflowType: string;
  /** how the recorded run ended */
  end: 'completed' | 'continued-as-new' | 'terminated';
  /** the patches the recorded run went through (none: recorded before them) */
  patches: string[];
  /** operation statuses the workflow announced, in order */
  statuses?: string[];
}

const fixtures: Array<[name: string, file: string, expect: Expectation]> = [
  ['networkCheck', 'network-check.history.json', { workflowType: 'networkCheck', end: 'completed', patches: [] }],
  [
    'operation recorded before the patch (gate, reservation, submit, signal-confirmed)',
    'operation.history.json',
    { workflowType: 'operation', end: 'completed', patches: [], statuses: ['SUBMITTED', 'CONFIRMED'] },
  ],
  [
    'operation with search attributes, confirmed by the signal',
    'operation-confirmed.history.json',
    {
      workflowType: 'operation',
      end: 'completed',
      patches: ['correlation-id-search-attribute', 'operation-search-attributes-and-charge-check'],
      statuses: ['SUBMITTED', 'CONFIRMED'],
    },
  ],
  [
    'operation admitted in its first task (emergency, gate, reservation and submit as local activities), confirmed by the signal',
    'operation-local-activities.history.json',
    {
      workflowType: 'operation',
      end: 'completed',
      patches: [
        'correlation-id-search-attribute',
        'emergency-check',
        'operation-search-attributes-and-charge-check',
        'operation-local-submit',
      ],
      statuses: ['SUBMITTED', 'CONFIRMED'],
    },
  ],
  [
    'operation admitted in its first task and settled in the task that took the signal (local activities: two tasks in all)',
    'operation-local-settle.history.json',
    {
      workflowType: 'operation',
      end: 'completed',
      patches: [
        'correlation-id-search-attribute',
        'operation-search-attributes-and-charge-check',
        'operation-local-settle',
        'emergency-check',
        'operation-local-submit',
      ],
      statuses: ['SUBMITTED', 'CONFIRMED'],
    },
  ],
  [
    'operation that asked the node at its deadline and expired',
    'operation-expired-late.history.json',
    {
      workflowType: 'operation',
      end: 'completed',
      patches: ['correlation-id-search-attribute', 'operation-search-attributes-and-charge-check'],
      statuses: ['SUBMITTED', 'EXPIRED'],
    },
  ],
  [
    'emergencyController (updates with validators, refusals, activity writes)',
    'emergency-controller.history.json',
    { workflowType: 'emergencyController', end: 'terminated', patches: [] },
  ],
  [
    'receiptPoller recorded before the patch (a timer per poll)',
    'receipt-poller.history.json',
    { workflowType: 'receiptPoller', end: 'terminated', patches: [] },
  ],
  [
    'receiptPoller polling inside its activity, the workflow signalling an operation (before the activity signalled)',
    'receipt-poller-confirms-workflow-signals.history.json',
    { workflowType: 'receiptPoller', end: 'terminated', patches: ['correlation-id-search-attribute', 'receipt-poller-polls-in-activity'] },
  ],
  [
    'receiptPoller whose activity signals the operation it confirms',
    'receipt-poller-confirms.history.json',
    {
      workflowType: 'receiptPoller',
      end: 'terminated',
      patches: ['correlation-id-search-attribute', 'receipt-poller-polls-in-activity', 'receipt-poller-signals-in-activity'],
    },
  ],
  [
    'receiptPoller announcing a late confirmation',
    'receipt-poller-late.history.json',
    {
      workflowType: 'receiptPoller',
      end: 'terminated',
      patches: ['correlation-id-search-attribute', 'receipt-poller-polls-in-activity'],
      statuses: ['CONFIRMED'],
    },
  ],
  [
    'disburse recorded before the patch (prepare, chunks with a cancelled item, finish: activities)',
    'disburse.history.json',
    { workflowType: 'disburse', end: 'completed', patches: [] },
  ],
  [
    'disburse preparing and finishing in its workflow tasks (local activities)',
    'disburse-local-prepare.history.json',
    { workflowType: 'disburse', end: 'completed', patches: ['correlation-id-search-attribute', 'disburse-local-prepare-finish'] },
  ],
  [
    'disburse started as the API starts it (prepared at intake: the first task launches chunks)',
    'disburse-prepared.history.json',
    {
      workflowType: 'disburse',
      end: 'completed',
      patches: ['correlation-id-search-attribute', 'disburse-local-prepare-finish', 'disburse-prepared-start'],
    },
  ],
];

beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

const decode = (payloads: { payloads?: unknown[] | null } | null | undefined) =>
  payloads?.payloads?.[0] ? defaultPayloadConverter.fromPayload(payloads.payloads[0] as never) : undefined;

/**
 * Replays a history against the current workflow code (a nondeterminism error fails it) and returns
 * the events the code emitted meanwhile: the sink runs during replay here, so we see what it did.
 */
async function replay(history: ReturnType<typeof historyFromJSON>, name: string): Promise<WorkflowEvent[]> {
  const emitted: WorkflowEvent[] = [];
  await Worker.runReplayHistory(
    {
      workflowsPath,
      interceptors: { workflowModules: workflowInterceptorModules },
      sinks: { events: { emit: { fn: (_info, e: WorkflowEvent) => void emitted.push(e), callDuringReplay: true } } },
    },
    history,
    name,
  );
  return emitted;
}

/** What the recorded run did, read from its history alone. */
function recorded(events: HistoryEvent[]) {
  const started = events[0]!.workflowExecutionStartedEventAttributes!;
  const patches = events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => decode(e.markerRecordedEventAttributes!.details!['patch-data'] as never) as { id: string })
    .map((d) => d.id);
  const last = events.at(-1)!;
  const pollResults = events
    .filter((e) => e.activityTaskCompletedEventAttributes)
    .map(
      (e) => decode(e.activityTaskCompletedEventAttributes!.result) as { applied?: boolean; seen?: number; late?: unknown[] } | undefined,
    );
  return {
    workflowType: started.workflowType!.name!,
    patches,
    end: last.workflowExecutionCompletedEventAttributes
      ? 'completed'
      : last.workflowExecutionContinuedAsNewEventAttributes
        ? 'continued-as-new'
        : last.workflowExecutionTerminatedEventAttributes
          ? 'terminated'
          : 'running',
    result: decode(last.workflowExecutionCompletedEventAttributes?.result),
    batchesWithReceipts: pollResults.filter((r) => r?.applied && (r.seen ?? 0) > 0).length,
  };
}

test.each(fixtures)(
  '%s replays its saved history, doing what the run did',
  async (_name, file, expected) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(__dirname, 'fixtures', file), 'utf8')));
    const events = history.events ?? [];
    const run = recorded(events);
    expect(run).toMatchObject({ workflowType: expected.workflowType, end: expected.end });
    expect(run.patches.sort()).toEqual([...expected.patches].sort());
    expect(events.length).toBeGreaterThan(10);

    const emitted = await replay(history, `${file}-fixture`);
    const types = emitted.map((e) => e.type);
    expect(types[0]).toBe('execution_started');
    if (run.end === 'completed') {
      // the replayed code reached the end the history recorded, with the same result
      const done = emitted.at(-1)!;
      expect(done.type).toBe('execution_completed');
      expect((done as { result?: unknown }).result).toEqual(run.result);
    } else {
      expect(types).not.toContain('execution_completed');
    }
    if (expected.statuses) {
      expect(emitted.flatMap((e) => (e.type === 'operation_status_changed' ? [e.status] : []))).toEqual(expected.statuses);
    }
    if (expected.workflowType === 'receiptPoller') {
      // one receipts_processed per batch that applied receipts: the replay walked every batch
      expect(types.filter((t) => t === 'receipts_processed')).toHaveLength(run.batchesWithReceipts);
      expect(run.batchesWithReceipts).toBeGreaterThan(0);
    }
  },
  60_000,
);

test('a run started with `prepared` whose first task an earlier worker took (it ran prepareBatch) replays the way it ran', async () => {
  // the history of a run that prepared in its first task, its input given `prepared` as the API now sends it
  const json = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'disburse-local-prepare.history.json'), 'utf8')) as {
    events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { metadata: unknown; data: string }[] } } }[];
  };
  const payload = json.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
  const input = JSON.parse(Buffer.from(payload.data, 'base64').toString()) as Record<string, unknown>;
  expect(input.prepared).toBeUndefined();
  input.prepared = {
    counts: { QUEUED: 16, EXECUTED: 0, CANCELLED: 0, FAILED: 0 },
    readyLeft: 4,
    throttle: { maxInFlightChunks: 4, chunkSize: 100 },
  };
  payload.data = Buffer.from(JSON.stringify(input)).toString('base64');
  const emitted = await replay(historyFromJSON(json), 'disburse-prepared-by-an-earlier-worker');
  expect(emitted.at(-1)!.type).toBe('execution_completed');
}, 60_000);
