import type { ThrottleSetting } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { createExecution, type ExecutorPool } from './execution';
import { createIntake } from './intake';
import { treasuryKeys } from './keys';
import { createReads } from './reads';
import { upgradeStoreLayout } from './store-layout';
import { createThrottle } from './throttle';

export interface TreasuryStoreOptions {
  redis: RedisClient;
  /** TREASURY_PREFIX */
  prefix: string;
  /** executor identities: TREASURY_EXECUTOR_PREFIX, TREASURY_EXECUTORS */
  executors: ExecutorPool;
  /** TREASURY_MAX_IN_FLIGHT_CHUNKS, TREASURY_CHUNK_SIZE until an operator sets the throttle */
  throttleDefaults: ThrottleSetting;
}

/**
 * Treasury disbursement state in Redis (DESIGN.md §3): items and their DAG, statuses and counts,
 * executor nonces, chunk claims, the throttle and the ids ever used. Temporal runs the loop; the
 * items live here, so a workflow's history holds chunk summaries, never 10,000 items.
 */
export function createTreasuryStore(opts: TreasuryStoreOptions) {
  const keys = treasuryKeys(opts.prefix);
  return {
    keys,
    executors: opts.executors,
    ...createIntake(opts.redis, keys),
    ...createExecution(opts.redis, keys, opts.executors),
    ...createReads(opts.redis, keys),
    ...createThrottle(opts.redis, keys, opts.throttleDefaults),
    /** Moves items stored by an earlier version into today's layout (once; run at start, before any batch executes). */
    upgradeLayout: (o?: Parameters<typeof upgradeStoreLayout>[2]) => upgradeStoreLayout(opts.redis, keys, o),
  };
}
export type TreasuryStore = ReturnType<typeof createTreasuryStore>;
