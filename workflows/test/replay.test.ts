/**
 * Determinism guard: a saved history of a real networkCheck run must replay against the current
 * workflow code. A change that would break running workflows fails here (regenerate the fixture
 * only for an intended, versioned change: UPDATE_FIXTURES=1 on apps/worker/test/network-check.int.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowInterceptorModules, workflowsPath } from '../src/public';

test('networkCheck replays its saved history', async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const history = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/network-check.history.json'), 'utf8'));
  await expect(
    Worker.runReplayHistory(
      {
        workflowsPath,
        interceptors: { workflowModules: workflowInterceptorModules },
        // never called during replay, but the workflow references the sink
        sinks: { events: { emit: { fn: () => {}, callDuringReplay: false } } },
      },
      history,
      'network-check-fixture',
    ),
  ).resolves.toBeUndefined();
}, 60_000);
