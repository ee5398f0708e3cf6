import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { ConfigError, assertReachable, loadConfig, urlHostPort, type Config } from '@blockops/config';
import {
  connectRedis,
  createAlertStore,
  createAuditLog,
  createEventPublisher,
  type AlertStore,
  type AuditLog,
  type EventPublisher,
  type RedisClient,
} from '@blockops/events';
import { breakerConfigOf, createBreakerStore, registerBreakerMetrics, type BreakerMetrics, type BreakerStore } from '@blockops/breakers';
import { createChainClient, type ChainClient } from '@blockops/chain';
import {
  StoreFormatError,
  createAccountingStore,
  createOperationsStore,
  ensureStoreFormat,
  type AccountingStore,
  type OperationsStore,
} from '@blockops/accounts';
import { createEmergencyStore, limitsFromConfig, type EmergencyStore } from '@blockops/emergency';
import type { RiskLimits } from '@blockops/domain';
import { emergencyView } from './emergency';
import { createWebMetrics, registerEmergencyGauges, type WebMetrics } from './metrics';
import { createTreasuryStore, type TreasuryStore } from '@blockops/treasury';

export interface Services {
  config: Config;
  redis: RedisClient;
  temporal: Client;
  audit: AuditLog;
  /** alerts Alertmanager delivered to the webhook */
  alerts: AlertStore;
  chain: ChainClient;
  /** accounting state written by the receipt poller (read-only here) */
  store: AccountingStore;
  operations: OperationsStore;
  /** emergency state, its history and the live risk limits (the controller workflow writes them) */
  emergency: EmergencyStore;
  riskDefaults: RiskLimits;
  /** treasury disbursements: intake writes, reads */
  treasury: TreasuryStore;
  /** the circuit breakers the workers share (read, and forced by operators) */
  breakers: BreakerStore;
  breakerMetrics: BreakerMetrics;
  /** events this process makes itself (an operator's breaker transition) */
  events: EventPublisher;
  metrics: WebMetrics;
  log: pino.Logger;
}

// The custom server (tsx) and Next's compiled route handlers load this module separately;
// a global symbol gives both the same connections.
const KEY = Symbol.for('blockops.web.services');
type Holder = { [KEY]?: Promise<Services> };

async function create(): Promise<Services> {
  const config = loadConfig();
  const log = pino({ name: 'web', level: config.LOG_LEVEL, base: { service: 'web' } });
  await assertReachable('REDIS_URL', config.REDIS_URL, urlHostPort(config.REDIS_URL, 6379));
  const redis = await connectRedis(config.REDIS_URL);
  // the accounting store is current, migrated, or refused (naming the key and what to do) before any read
  await ensureStoreFormat({ redis, prefix: config.ACCOUNTS_PREFIX, redisUrl: config.REDIS_URL }).catch((err: unknown) => {
    redis.destroy();
    throw err instanceof StoreFormatError ? new ConfigError([{ variable: 'ACCOUNTS_PREFIX', message: err.message }]) : err;
  });
  await assertReachable('TEMPORAL_ADDRESS', config.TEMPORAL_ADDRESS, config.TEMPORAL_ADDRESS).catch((err: unknown) => {
    redis.destroy();
    throw err;
  });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const store = createAccountingStore({ redis, prefix: config.ACCOUNTS_PREFIX, startingBalance: config.TB_STARTING_BALANCE });
  const emergency = createEmergencyStore({ redis, prefix: config.EMERGENCY_PREFIX });
  const riskDefaults = limitsFromConfig({
    dailyLoss: config.RISK_DAILY_LOSS_LIMIT,
    maxPosition: config.RISK_MAX_POSITION,
    maxDrawdownPct: config.RISK_MAX_DRAWDOWN_PCT,
  });
  const metrics = createWebMetrics();
  registerEmergencyGauges(metrics.registry, () => emergencyView({ store, emergency, riskDefaults }));
  const breakers = createBreakerStore({ redis, prefix: config.BREAKER_PREFIX, config: breakerConfigOf(config) });
  const treasury = createTreasuryStore({
    redis,
    prefix: config.TREASURY_PREFIX,
    executors: { prefix: config.TREASURY_EXECUTOR_PREFIX, count: config.TREASURY_EXECUTORS },
    throttleDefaults: { maxInFlightChunks: config.TREASURY_MAX_IN_FLIGHT_CHUNKS, chunkSize: config.TREASURY_CHUNK_SIZE },
  });
  // reads see items an earlier version stored in today's layout (the worker does the same at its start)
  await treasury.upgradeLayout();
  return {
    config,
    redis,
    temporal,
    audit: createAuditLog(redis, config.AUDIT_STREAM),
    alerts: createAlertStore(redis, config.ALERTS_PREFIX),
    chain: createChainClient({
      url: config.THEBLOCK_RPC_URL,
      authToken: config.THEBLOCK_AUTH_TOKEN,
      timeoutMs: config.THEBLOCK_RPC_TIMEOUT_MS,
    }),
    store,
    operations: createOperationsStore({ redis, prefix: config.ACCOUNTS_PREFIX }),
    treasury,
    emergency,
    riskDefaults,
    breakers,
    // the shared state is exported here too (read at scrape time: same value as the workers', use max by breaker)
    breakerMetrics: registerBreakerMetrics(metrics.registry, breakers),
    events: createEventPublisher(redis, { stream: config.EVENTS_STREAM, maxLen: config.EVENTS_MAXLEN }),
    metrics,
    log,
  };
}

export function getServices(): Promise<Services> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    holder[KEY] = create().catch((err) => {
      delete holder[KEY]; // let a later call retry
      throw err;
    });
  }
  return holder[KEY];
}

export async function closeServices(): Promise<void> {
  const holder = globalThis as Holder;
  const pending = holder[KEY];
  if (!pending) return;
  delete holder[KEY];
  const s = await pending.catch(() => undefined);
  if (!s) return;
  await s.temporal.connection.close().catch(() => {});
  s.redis.destroy();
}
