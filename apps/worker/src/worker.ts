import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ChainClient } from '@blockops/chain';
import { workflowInterceptorModules, workflowsPath } from '@blockops/workflows/public';
import type { AccountingStore, OperationsStore } from '@blockops/accounts';
import type { TreasuryStore } from '@blockops/treasury';
import { createNetworkActivities } from './activities/network';
import { createReceiptActivities } from './activities/receipts';
import { createOperationActivities } from './activities/operations';
import { createEmergencyActivities, type EmergencyDeps } from './activities/emergency';
import { createTreasuryActivities, type SubmitGate } from './activities/treasury';
import type { GateCache } from './gate-cache';
import type { ChainWriteGuard } from './chain-write-guard';
import { activityEventsInterceptor } from './interceptors/activity-events';
import { eventSinks } from './event-sinks';
import type { Publish } from './publish';
import type { WorkerMetrics } from './metrics';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  chain: ChainClient;
  publish: Publish;
  metrics: WorkerMetrics;
  store: AccountingStore;
  operations: OperationsStore;
  gates: GateCache;
  treasury: TreasuryStore;
  /** the treasury's submit decision point (activities/treasury/may-submit.ts); by default the emergency permit */
  submitGate?: SubmitGate;
  /** TREASURY_RPC_MAX_BYTES */
  treasuryRpcMaxBytes?: number;
  /** the circuit breaker guard every chain write goes through */
  guard: ChainWriteGuard;
  /** our account on The Block */
  account: string;
  /** emergency state (HALT refuses submissions, SHUTDOWN pauses the poller) and risk limits */
  risk: EmergencyDeps;
  /** ACCOUNTS_PREFIX, named in messages about the accounting state */
  accountsPrefix?: string;
  /** A prebuilt bundle (tests, benchmarks) — it must include the workflow interceptor modules. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** The one place activities, interceptors and sinks are wired: main.ts and the tests both use it. */
export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    activities: {
      ...createNetworkActivities(deps.chain),
      ...createReceiptActivities({ ...deps, prefix: deps.accountsPrefix }),
      ...createOperationActivities({ ...deps, emergency: deps.risk.emergency }),
      ...createEmergencyActivities(deps.risk),
      ...createTreasuryActivities({
        chain: deps.chain,
        treasury: deps.treasury,
        publish: deps.publish,
        metrics: deps.metrics,
        emergency: deps.risk.emergency,
        submitGate: deps.submitGate,
        rpcMaxBytes: deps.treasuryRpcMaxBytes,
        guard: deps.guard,
      }),
    },
    interceptors: {
      // a prebuilt bundle already contains them (and the SDK warns if given twice)
      ...(deps.workflowBundle ? {} : { workflowModules: workflowInterceptorModules }),
      activity: [activityEventsInterceptor(deps.publish, deps.metrics)],
    },
    sinks: eventSinks(deps.publish, deps.metrics),
  });
}
