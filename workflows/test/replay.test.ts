/**
 * Determinism guard: saved histories of real runs must replay against the current workflow code.
 * A change that would break running workflows fails here. Regenerate a fixture only for an
 * intended, versioned change: UPDATE_FIXTURES=1 on the integration test that records it
 * (apps/worker/test/network-check.int.test.ts, apps/worker/test/receipts-operations.int.test.ts,
 * apps/worker/test/emergency-controller.int.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowInterceptorModules, workflowsPath } from '../src/public';

const fixtures = [
  ['networkCheck', 'network-check.history.json'],
  ['operation (gate, reservation, submit, signal-confirmed)', 'operation.history.json'],
  ['receiptPoller (batches, signals, continue-as-new input)', 'receipt-poller.history.json'],
  ['emergencyController (updates with validators, refusals, activity writes)', 'emergency-controller.history.json'],
  ['disburse (prepare, chunks with a cancelled item, finish)', 'disburse.history.json'],
] as const;

beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

test.each(fixtures)(
  '%s replays its saved history',
  async (_name, file) => {
    const history = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', file), 'utf8'));
    await expect(
      Worker.runReplayHistory(
        {
          workflowsPath,
          interceptors: { workflowModules: workflowInterceptorModules },
          // never called during replay, but the workflow references the sink
          sinks: { events: { emit: { fn: () => {}, callDuringReplay: false } } },
        },
        history,
        `${file}-fixture`,
      ),
    ).resolves.toBeUndefined();
  },
  60_000,
);
