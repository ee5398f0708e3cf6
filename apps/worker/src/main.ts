import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { assertReachable, exitOnStartupError, loadConfig, urlHostPort } from '@blockops/config';
import { connectRedis, createEventPublisher } from '@blockops/events';
import { createChainClient } from '@blockops/chain';
import { createLogger } from './logger';
import { createWorkerMetrics, serveMetrics } from './metrics';
import { safePublisher } from './publish';
import { createWorker } from './worker';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker', config.LOG_LEVEL);
  await assertReachable('REDIS_URL', config.REDIS_URL, urlHostPort(config.REDIS_URL, 6379));
  await assertReachable('TEMPORAL_ADDRESS', config.TEMPORAL_ADDRESS, config.TEMPORAL_ADDRESS);

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const redis = await connectRedis(config.REDIS_URL);
  const metrics = createWorkerMetrics();
  const publisher = createEventPublisher(redis, { stream: config.EVENTS_STREAM, maxLen: config.EVENTS_MAXLEN });
  const chain = createChainClient({
    url: config.THEBLOCK_RPC_URL,
    authToken: config.THEBLOCK_AUTH_TOKEN,
    timeoutMs: config.THEBLOCK_RPC_TIMEOUT_MS,
  });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    chain,
    publish: safePublisher(publisher, metrics, log),
    metrics,
  });
  const metricsServer = await serveMetrics(metrics.registry, config.WORKER_METRICS_PORT);
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: `http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics` },
    'worker running',
  );
  // The SDK shuts the worker down on SIGINT/SIGTERM: in-flight activities finish or are cancelled.
  await worker.run();
  metricsServer.close();
  await connection.close();
  redis.destroy();
  log.info('worker stopped');
}

main().catch(exitOnStartupError('worker'));
