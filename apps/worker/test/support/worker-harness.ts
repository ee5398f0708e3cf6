/** A worker wired exactly as main.ts wires it (createWorker), for tests against real servers. */
import { randomUUID } from 'node:crypto';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createChainClient } from '@blockops/chain';
import { createAccountingStore, createOperationsStore } from '@blockops/accounts';
import { createEmergencyStore } from '@blockops/emergency';
import { createTreasuryStore } from '@blockops/treasury';
import { createEventPublisher, type RedisClient } from '@blockops/events';
import { createBreakerStore, registerBreakerMetrics } from '@blockops/breakers';
import { CHAIN_BREAKER, DEFAULT_BREAKER_CONFIG, type BreakerConfig, type RiskLimits } from '@blockops/domain';
import { createChainWriteGuard } from '../../src/chain-write-guard';
import { createLogger } from '../../src/logger';
import { createWorkerMetrics } from '../../src/metrics';
import { safePublisher } from '../../src/publish';
import { createGateCache } from '../../src/gate-cache';
import { createWorker } from '../../src/worker';
import type { SubmitGate } from '../../src/activities/treasury';

export interface HarnessOptions {
  connection: NativeConnection;
  namespace: string;
  redis: RedisClient;
  chainUrl: string;
  stream: string;
  bundle: WorkflowBundleWithSourceMap;
  prefix?: string;
  account?: string;
  /** micro-token units */
  startingBalance?: bigint;
  gateCacheMs?: number;
  chainTimeoutMs?: number;
  riskLimits?: RiskLimits;
  /** treasury: executor identities, throttle defaults, the submit decision point */
  executors?: number;
  throttle?: { maxInFlightChunks: number; chunkSize: number };
  submitGate?: SubmitGate;
  rpcMaxBytes?: number;
  /** breaker settings (default: the design's) and key prefix (default: fresh) */
  breaker?: Partial<BreakerConfig>;
  breakerPrefix?: string;
}

export function harness(o: HarnessOptions) {
  const prefix = o.prefix ?? `test:${randomUUID().slice(0, 8)}:acct`;
  const account = o.account ?? '0xblockops';
  const chain = createChainClient({ url: o.chainUrl, timeoutMs: o.chainTimeoutMs ?? 1000 });
  const store = createAccountingStore({ redis: o.redis, prefix, startingBalance: o.startingBalance ?? 100_000_000_000n });
  const operations = createOperationsStore({ redis: o.redis, prefix });
  const gates = createGateCache({
    redis: o.redis,
    key: `${prefix}:gates`,
    ttlMs: o.gateCacheMs ?? 50,
    fetch: async () => (await chain.governor.status()).gates,
  });
  const treasury = createTreasuryStore({
    redis: o.redis,
    prefix: `${prefix}:treasury`,
    executors: { prefix: `${prefix.replace(/[^A-Za-z0-9_.:-]/g, '')}-ex`, count: o.executors ?? 64 },
    throttleDefaults: o.throttle ?? { maxInFlightChunks: 4, chunkSize: 50 },
  });
  const metrics = createWorkerMetrics();
  const emergency = createEmergencyStore({ redis: o.redis, prefix: `${prefix}:emergency` });
  const risk = { emergency, riskDefaults: o.riskLimits ?? { dailyLoss: 0n, maxPosition: 0n, maxDrawdownBps: 0 } };
  const publish = safePublisher(
    createEventPublisher(o.redis, { stream: o.stream, maxLen: 100_000 }),
    metrics,
    createLogger('test', 'silent'),
  );
  const breakers = createBreakerStore({
    redis: o.redis,
    prefix: o.breakerPrefix ?? `${prefix}:breaker`,
    config: { ...DEFAULT_BREAKER_CONFIG, ...o.breaker },
  });
  // its change subscription is unref'd: a test process still exits without closing it
  const guard = createChainWriteGuard({
    store: breakers,
    publish,
    metrics: registerBreakerMetrics(metrics.registry, breakers),
    log: createLogger('test', 'silent'),
    breakers: [CHAIN_BREAKER],
  });
  const make = async (taskQueue: string) =>
    createWorker({
      connection: o.connection,
      namespace: o.namespace,
      taskQueue,
      chain,
      publish,
      metrics,
      store,
      operations,
      gates,
      treasury,
      submitGate: o.submitGate,
      treasuryRpcMaxBytes: o.rpcMaxBytes,
      guard: await guard,
      account,
      risk,
      workflowBundle: o.bundle,
    });
  return {
    prefix,
    account,
    chain,
    store,
    operations,
    gates,
    treasury,
    metrics,
    emergency,
    risk,
    breakers,
    /** the chain write guard the workers use */
    guard,
    /** Runs `fn` with a worker polling a fresh task queue. */
    async withWorker<T>(fn: (taskQueue: string) => Promise<T>, taskQueue = `tq-${randomUUID()}`): Promise<T> {
      const worker = await make(taskQueue);
      return worker.runUntil(fn(taskQueue));
    },
    make,
  };
}
