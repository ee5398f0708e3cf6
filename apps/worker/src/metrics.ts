import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  EXECUTION_ERROR_REASONS,
  FINAL_DISBURSEMENT_STATUSES,
  MARKETS,
  avgCostPerUnit,
  formatUnits,
  marketPnl,
  type AccountingState,
  type Units,
} from '@blockops/domain';

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    eventsPublished: new Counter({
      name: 'blockops_events_published_total',
      help: 'Events appended to the Redis event stream, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    eventPublishErrors: new Counter({
      name: 'blockops_event_publish_errors_total',
      help: 'Events that could not be published (the run goes on; the event is lost)',
      registers: [registry],
    }),
    activityExecutions: new Counter({
      name: 'blockops_activity_executions_total',
      help: 'Activity attempts by activity type and outcome',
      labelNames: ['activity', 'status'],
      registers: [registry],
    }),
    activityDuration: new Histogram({
      name: 'blockops_activity_duration_seconds',
      help: 'Activity attempt duration',
      labelNames: ['activity'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    // receipt poller and accounting: the seeds' metric names
    pollerCycles: new Counter({
      name: 'receipt_poller_cycles',
      help: 'Receipt poller head checks: batches fetched and applied, and checks that found no new block',
      registers: [registry],
    }),
    lateConfirmations: new Counter({
      name: 'blockops_operations_late_confirmed_total',
      help: 'Operations whose receipt arrived after they had ended (from=EXPIRED|FAILED|REJECTED): now CONFIRMED (late), the charge booked',
      labelNames: ['market', 'from'],
      registers: [registry],
    }),
    pollerErrors: new Counter({
      name: 'receipt_poller_errors',
      help: 'Receipt poller batches that failed (retried by Temporal)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    pollerHead: new Gauge({
      name: 'receipt_poller_head_height',
      help: "Chain head height the receipt poller saw on this worker's latest batch (max over workers = freshest)",
      registers: [registry],
    }),
    pollerReceipts: new Counter({
      name: 'receipt_poller_receipts_processed',
      help: 'Receipts read from the chain and processed by the poller',
      registers: [registry],
    }),
    chainReceipts: new Counter({
      name: 'theblock_receipts_processed_total',
      help: 'Chain receipts processed, by market',
      labelNames: ['market'],
      registers: [registry],
    }),
    accountingReceipts: new Counter({
      name: 'accounting_receipts_processed_total',
      help: 'Receipts of our account applied to accounting, by market and direction (spend|earn)',
      labelNames: ['market', 'direction'],
      registers: [registry],
    }),
    // treasury executor: the seeds' metric names
    treasuryDisbursements: new Counter({
      name: 'treasury_disbursements_total',
      help: 'Disbursements that reached a final status, by status (EXECUTED, CANCELLED, FAILED); the web counts QUEUED at intake',
      labelNames: ['status'],
      registers: [registry],
    }),
    treasuryErrors: new Counter({
      name: 'treasury_execution_errors_total',
      help: 'Disbursement submissions that did not execute, by bounded reason (EXECUTION_ERROR_REASONS)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    treasuryLatency: new Histogram({
      name: 'treasury_execution_latency_seconds',
      help: 'From a disbursement being claimed for submission to the node executing it (retries included)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
      registers: [registry],
    }),
    workflowExecutions: new Counter({
      name: 'blockops_workflow_executions_total',
      help: 'Workflow runs by type and outcome (started, completed, failed, halted)',
      labelNames: ['workflow_type', 'status'],
      registers: [registry],
    }),
  };
  // the bounded label values exist from the start (at 0), so rates and alerts see their first increment
  for (const status of FINAL_DISBURSEMENT_STATUSES) metrics.treasuryDisbursements.inc({ status }, 0);
  for (const reason of EXECUTION_ERROR_REASONS) metrics.treasuryErrors.inc({ reason }, 0);
  return metrics;
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/**
 * Prometheus samples are doubles: the exact amount is turned into a number here, for the graph
 * only (nothing reads it back as money).
 */
const sample = (units: Units) => Number(formatUnits(units));

/**
 * P&L gauges read from the accounting store at scrape time, so every worker reports the same,
 * current figures whichever of them applied the last batch.
 */
export function registerAccountingGauges(registry: Registry, snapshot: () => Promise<{ checkpoint: number; state: AccountingState }>) {
  let last: Promise<{ checkpoint: number; state: AccountingState }> | undefined;
  // one store read per scrape, shared by the gauges
  const read = () => (last ??= snapshot().finally(() => setTimeout(() => (last = undefined), 100)));
  new Gauge({
    name: 'accounting_pnl_current',
    help: 'Current P&L by market (earned + subsidies - spent); market="total" is balance - starting balance',
    labelNames: ['market'],
    registers: [registry],
    async collect() {
      const { state } = await read();
      for (const m of MARKETS) this.set({ market: m }, sample(marketPnl(state.positions[m])));
      this.set({ market: 'total' }, sample(state.balance - state.startingBalance));
    },
  });
  new Gauge({
    name: 'accounting_position_value',
    help: 'Position at cost by market: units consumed × average cost per unit',
    labelNames: ['market'],
    registers: [registry],
    async collect() {
      const { state } = await read();
      for (const m of MARKETS)
        this.set({ market: m }, sample(BigInt(state.positions[m].unitsConsumed) * avgCostPerUnit(state.positions[m])));
    },
  });
  new Gauge({
    name: 'receipt_poller_checkpoint_height',
    help: "Height up to which receipts are applied to accounting (the store's checkpoint)",
    registers: [registry],
    async collect() {
      this.set((await read()).checkpoint);
    },
  });
  new Gauge({
    name: 'accounting_balance',
    help: 'Current balance from the starting balance and applied receipts',
    registers: [registry],
    async collect() {
      this.set(sample((await read()).state.balance));
    },
  });
}

/** Pending operations read from the operations index at scrape time (the same on every worker). */
export function registerOperationGauges(registry: Registry, pending: () => Promise<{ count: number; oldestSubmittedAt?: number }>) {
  let last: Promise<{ count: number; oldestSubmittedAt?: number }> | undefined;
  const read = () => (last ??= pending().finally(() => setTimeout(() => (last = undefined), 100)));
  new Gauge({
    name: 'blockops_operations_pending',
    help: 'Operations submitted and waiting for their confirming receipt',
    registers: [registry],
    async collect() {
      this.set((await read()).count);
    },
  });
  new Gauge({
    name: 'blockops_operations_oldest_pending_seconds',
    help: 'Age of the longest-waiting pending operation (0 when none is pending)',
    registers: [registry],
    async collect() {
      const { oldestSubmittedAt } = await read();
      this.set(oldestSubmittedAt === undefined ? 0 : Math.max(0, (Date.now() - oldestSubmittedAt) / 1000));
    },
  });
}

/** Treasury gauges read from the store at scrape time: the same figures from every worker. */
export function registerTreasuryGauges(
  registry: Registry,
  stats: () => Promise<{ queued: number; maxNonce: number; busyExecutors: number }>,
) {
  let last: ReturnType<typeof stats> | undefined;
  const read = () => (last ??= stats().finally(() => setTimeout(() => (last = undefined), 100)));
  new Gauge({
    name: 'treasury_queue_depth',
    help: 'Disbursements QUEUED across running batches (waiting for dependencies, ready, or in flight)',
    registers: [registry],
    async collect() {
      this.set((await read()).queued);
    },
  });
  new Gauge({
    name: 'treasury_executor_nonce',
    help: 'Highest executor nonce assigned (nonces rise per executor; each item gets one once)',
    registers: [registry],
    async collect() {
      this.set((await read()).maxNonce);
    },
  });
  new Gauge({
    name: 'treasury_executors_busy',
    help: 'Executor identities holding a disbursement in flight (each holds at most one)',
    registers: [registry],
    async collect() {
      this.set((await read()).busyExecutors);
    },
  });
}

/** Serves GET /metrics (Prometheus text) and GET /health on `port`. */
export function serveMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/metrics') {
      // a collector reading Redis can fail: answer 500 (Prometheus marks the target down) rather than crash
      try {
        const body = await registry.metrics();
        res.setHeader('Content-Type', registry.contentType);
        res.end(body);
      } catch {
        res.statusCode = 500;
        res.end();
      }
    } else if (req.url === '/health') {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"status":"ok"}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
