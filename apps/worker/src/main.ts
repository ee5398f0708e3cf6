import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { ConfigError, assertReachable, exitOnStartupError, loadConfig, urlHostPort } from '@blockops/config';
import { connectRedis, createEventPublisher } from '@blockops/events';
import { createChainClient } from '@blockops/chain';
import { StoreFormatError, createAccountingStore, createOperationsStore, ensureStoreFormat } from '@blockops/accounts';
import { createEmergencyStore, limitsFromConfig } from '@blockops/emergency';
import { createTreasuryStore } from '@blockops/treasury';
import { breakerConfigOf, createBreakerStore, registerBreakerMetrics } from '@blockops/breakers';
import { CHAIN_BREAKER } from '@blockops/domain';
import { createChainWriteGuard } from './chain-write-guard';
import { createGateCache } from './gate-cache';
import { ensureDisbursementWorkflows, ensureEmergencyController, ensureReceiptPoller } from './singletons';
import { startDisbursementReconciler } from './disbursement-reconciler';
import { assertSearchAttributes, bindAccountingToChain } from './startup-checks';
import { withTestHooks } from './test-hooks';
import { createLogger, temporalLogger } from './logger';
import { createWorkerMetrics, registerAccountingGauges, registerOperationGauges, registerTreasuryGauges, serveMetrics } from './metrics';
import { safePublisher } from './publish';
import { createWorker } from './worker';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker', config.LOG_LEVEL);
  await assertReachable('REDIS_URL', config.REDIS_URL, urlHostPort(config.REDIS_URL, 6379));
  const redis = await connectRedis(config.REDIS_URL);
  // before anything reads or writes money: the store's format is current, migrated, or refused
  const format = await ensureStoreFormat({ redis, prefix: config.ACCOUNTS_PREFIX, redisUrl: config.REDIS_URL }).catch((err: unknown) => {
    throw err instanceof StoreFormatError ? new ConfigError([{ variable: 'ACCOUNTS_PREFIX', message: err.message }]) : err;
  });
  log.info({ prefix: config.ACCOUNTS_PREFIX, ...format }, 'accounting store format');
  await assertReachable('TEMPORAL_ADDRESS', config.TEMPORAL_ADDRESS, config.TEMPORAL_ADDRESS);

  // the SDK's lines (workflow and activity logs carry the run's correlationId) go out as JSON too
  Runtime.install({ logger: temporalLogger(log) });
  const metrics = createWorkerMetrics();
  const publisher = createEventPublisher(redis, { stream: config.EVENTS_STREAM, maxLen: config.EVENTS_MAXLEN });
  const chain = createChainClient({
    url: config.THEBLOCK_RPC_URL,
    authToken: config.THEBLOCK_AUTH_TOKEN,
    timeoutMs: config.THEBLOCK_RPC_TIMEOUT_MS,
  });
  const store = withTestHooks(
    createAccountingStore({ redis, prefix: config.ACCOUNTS_PREFIX, startingBalance: config.TB_STARTING_BALANCE }),
  );
  const operations = createOperationsStore({ redis, prefix: config.ACCOUNTS_PREFIX });
  const gates = createGateCache({
    redis,
    key: `${config.ACCOUNTS_PREFIX}:gates`,
    ttlMs: config.GATE_CACHE_MS,
    fetch: async () => (await chain.governor.status()).gates,
  });
  const treasury = createTreasuryStore({
    redis,
    prefix: config.TREASURY_PREFIX,
    executors: { prefix: config.TREASURY_EXECUTOR_PREFIX, count: config.TREASURY_EXECUTORS },
    throttleDefaults: { maxInFlightChunks: config.TREASURY_MAX_IN_FLIGHT_CHUNKS, chunkSize: config.TREASURY_CHUNK_SIZE },
  });
  registerAccountingGauges(metrics.registry, () => store.snapshot());
  registerOperationGauges(metrics.registry, () => operations.pendingSummary());
  // refuse to start rather than run against the wrong chain or a namespace workflows would fail in
  await bindAccountingToChain(chain, store, log, config.THEBLOCK_RPC_URL);
  const client = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    await assertSearchAttributes(client, config.TEMPORAL_NAMESPACE);
  } finally {
    await client.close();
  }
  // before any chunk runs: items an earlier version stored get today's layout
  const upgraded = await treasury.upgradeLayout();
  if (upgraded.items) log.info({ prefix: config.TREASURY_PREFIX, ...upgraded }, 'treasury store: items moved to per-batch state');
  registerTreasuryGauges(metrics.registry, () => treasury.stats());
  const publish = safePublisher(publisher, metrics, log);
  const breakers = createBreakerStore({ redis, prefix: config.BREAKER_PREFIX, config: breakerConfigOf(config) });
  const guard = await createChainWriteGuard({
    store: breakers,
    publish,
    metrics: registerBreakerMetrics(metrics.registry, breakers),
    log,
    breakers: [CHAIN_BREAKER],
  });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    chain,
    publish,
    metrics,
    store,
    operations,
    gates,
    treasury,
    treasuryRpcMaxBytes: config.TREASURY_RPC_MAX_BYTES,
    guard,
    account: config.TB_ACCOUNT,
    risk: {
      emergency: createEmergencyStore({ redis, prefix: config.EMERGENCY_PREFIX }),
      riskDefaults: limitsFromConfig({
        dailyLoss: config.RISK_DAILY_LOSS_LIMIT,
        maxPosition: config.RISK_MAX_POSITION,
        maxDrawdownPct: config.RISK_MAX_DRAWDOWN_PCT,
      }),
    },
    accountsPrefix: config.ACCOUNTS_PREFIX,
  });
  const singletonTarget = { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE };
  log.info(
    { workflowId: 'emergency-controller', controller: await ensureEmergencyController(singletonTarget) },
    'emergency controller singleton',
  );
  if (config.RECEIPT_POLLER_AUTOSTART) {
    const poller = await ensureReceiptPoller({
      ...singletonTarget,
      input: {
        pollIntervalMs: config.RECEIPT_POLL_INTERVAL_MS,
        batchSize: config.RECEIPT_BATCH_SIZE,
        batchTimeoutMs: config.RECEIPT_BATCH_TIMEOUT_MS,
        pauseRecheckMs: config.EMERGENCY_POLLER_RECHECK_MS,
        idleMaxMs: config.RECEIPT_POLL_IDLE_MS,
      },
    });
    log.info({ workflowId: 'receipt-poller', poller }, 'receipt poller singleton');
  }
  // a batch stored by the web whose workflow never started (the web died in between) starts here,
  // and at every TREASURY_RECONCILE_MS after (then once it is that old: the web starts its own at once)
  const startMissing = (batchIds: string[]) =>
    ensureDisbursementWorkflows({
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      batchIds,
      input: {
        idlePollMs: config.TREASURY_IDLE_POLL_MS,
        chunkTimeoutMs: config.TREASURY_CHUNK_TIMEOUT_MS,
        chunkBudgetMs: config.TREASURY_CHUNK_BUDGET_MS,
        maxHistoryEvents: config.TREASURY_MAX_HISTORY_EVENTS,
      },
    });
  const { started, failed } = await startMissing(await treasury.runningBatchIds(undefined, { withoutWorkflow: true }));
  if (started.length) log.warn({ batches: started }, 'started disbursement workflows for stored batches that had none');
  if (failed.length) log.warn({ failed }, 'could not start the workflow of stored batches that have none; a running worker tries again');
  const reconciler = startDisbursementReconciler({
    intervalMs: config.TREASURY_RECONCILE_MS,
    graceMs: config.TREASURY_RECONCILE_MS,
    treasury,
    start: startMissing,
    log,
  });
  const metricsServer = await serveMetrics(metrics.registry, config.WORKER_METRICS_PORT);
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: `http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics` }, 'worker running');
  // The SDK shuts the worker down on SIGINT/SIGTERM: in-flight activities finish or are cancelled.
  await worker.run();
  await reconciler.stop();
  metricsServer.close();
  await guard.close();
  await connection.close();
  redis.destroy();
  log.info('worker stopped');
}

main().catch(exitOnStartupError('worker'));
