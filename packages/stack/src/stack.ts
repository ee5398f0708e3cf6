import { mkdirSync } from 'node:fs';
import type { ManagedProcess } from './process';
import type { StackContext } from './services/context';
import { startDevnet } from './services/devnet';
import { startRedis } from './services/redis';
import { startTemporal } from './services/temporal';
import { startWeb } from './services/web';
import { startWorker } from './services/worker';
import { startAlertmanager } from './services/alertmanager';
import { startPrometheus } from './services/prometheus';

export { DEV_SERVER_ARGS, DEV_SERVER_DYNAMIC_CONFIG, DEV_SERVER_SEARCH_ATTRIBUTES } from './services/temporal';

export type ServiceName = 'redis' | 'temporal' | 'devnet' | 'worker' | 'web' | 'prometheus' | 'alertmanager';

export interface StackOptions {
  /** Repository root. */
  root: string;
  /** Where the Temporal SQLite file, devnet state and a started Redis keep their data. */
  dataDir: string;
  /** Which services to bring up (default: all). */
  services?: ServiceName[];
  /** 0 = pick a free port. Defaults are the documented ones. */
  ports?: Partial<
    Record<'temporal' | 'temporalUi' | 'temporalMetrics' | 'devnet' | 'web' | 'workerMetrics' | 'prometheus' | 'alertmanager', number>
  >;
  /** Prometheus and Alertmanager timing (tests shorten it) and rule files (tests use a fast copy). */
  monitoring?: {
    scrapeInterval?: string;
    evaluationInterval?: string;
    resendDelay?: string;
    ruleFiles?: string[];
    alertmanagerTiming?: { groupWait: string; groupInterval: string; repeatInterval: string };
  };
  /** 'inherit' prefixes child output to ours; 'files' writes <dataDir>/logs/<name>.log. */
  output?: 'inherit' | 'files';
  /** Extra environment for every child (and the user's own overrides). */
  env?: Record<string, string | undefined>;
  /** Extra devnet flags, e.g. ['--block-interval-ms', '100']; ['--state', ''] runs it without a state file. */
  devnetArgs?: string[];
  /** Redis logical database to use when Redis is found or started here (tests isolate by db). */
  redisDb?: number;
  log?: (line: string) => void;
}

export interface Stack {
  env: Record<string, string>;
  urls: {
    web?: string;
    temporalUi?: string;
    temporal?: string;
    temporalMetrics?: string;
    devnet?: string;
    devnetMetrics?: string;
    redis?: string;
    workerMetrics?: string;
    prometheus?: string;
    alertmanager?: string;
  };
  /** What `npm start` should tell the user (e.g. how to install Prometheus). */
  notes: string[];
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

const has = (o: StackOptions, s: ServiceName) => !o.services || o.services.includes(s);

/**
 * Brings up the local stack in dependency order and returns its URLs; `stop()` ends every child
 * it started, newest first. Used by `npm start` and by the end-to-end tests, so both run the same
 * processes the same way. Anything given in env (REDIS_URL, TEMPORAL_ADDRESS, THEBLOCK_RPC_URL) is
 * used as is instead of starting a local one.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const ctx: StackContext = {
    opts,
    userEnv: { ...process.env, ...opts.env },
    env: {},
    urls: {},
    notes: [],
    scrapeTargets: [],
    processes: [],
    log: opts.log ?? (() => {}),
  };
  mkdirSync(opts.dataDir, { recursive: true });
  const stop = async () => {
    for (const p of [...ctx.processes].reverse()) await p.stop();
    ctx.processes.length = 0;
  };
  try {
    if (has(opts, 'redis') || has(opts, 'worker') || has(opts, 'web')) await startRedis(ctx);
    if (has(opts, 'temporal')) await startTemporal(ctx);
    if (has(opts, 'devnet')) await startDevnet(ctx);
    if (has(opts, 'worker')) await startWorker(ctx);
    if (has(opts, 'web')) await startWeb(ctx);
    // Alertmanager, then Prometheus (which notifies it): optional for npm start (see services/optional.ts)
    if (has(opts, 'alertmanager')) await startAlertmanager(ctx);
    if (has(opts, 'prometheus')) await startPrometheus(ctx);
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: ctx.env, urls: ctx.urls, notes: ctx.notes, processes: ctx.processes, stop };
}
