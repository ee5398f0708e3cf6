/**
 * The "second worker" of bench/breaker.bench.ts: its own process, Redis connections and chain
 * write guard; reports every state change of its local view to the parent over IPC, stamped with
 * the wall clock (performance.timeOrigin + now(): sub-millisecond, comparable across processes).
 */
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { createBreakerStore, registerBreakerMetrics } from '@blockops/breakers';
import { CHAIN_BREAKER, DEFAULT_BREAKER_CONFIG } from '@blockops/domain';
import { connectRedis } from '@blockops/events';
import { createChainWriteGuard } from '../apps/worker/src/chain-write-guard';
import { createLogger } from '../apps/worker/src/logger';

async function main() {
  const [redisUrl, prefix] = process.argv.slice(2) as [string, string];
  const redis = await connectRedis(redisUrl);
  const store = createBreakerStore({ redis, prefix, config: { ...DEFAULT_BREAKER_CONFIG, openMs: 3_600_000 } });
  const guard = await createChainWriteGuard({
    store,
    publish: async () => {},
    metrics: registerBreakerMetrics(new Registry(), store),
    log: createLogger('observer', 'silent'),
    breakers: [CHAIN_BREAKER],
  });
  guard.onStateChange((name, state) => process.send!({ name, state, at: performance.timeOrigin + performance.now() }));
  process.send!({ ready: true });
  process.on('disconnect', () => {
    void guard.close().then(() => {
      redis.destroy();
      process.exit(0);
    });
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
