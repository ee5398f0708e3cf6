import type { RedisClient } from '@blockops/events';
import {
  breakerView,
  type Admission,
  type BreakerConfig,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerTransition,
  type BreakerTrigger,
  type BreakerView,
} from '@blockops/domain';
import { breakerKeys, changeChannel } from './keys';
import {
  admitScript,
  noteScript,
  forceCloseScript,
  forceOpenScript,
  recordFailureScript,
  recordSuccessScript,
  releaseProbeScript,
  resetScript,
  snapshotScript,
  tickScript,
} from './scripts';

export interface BreakerStoreOptions {
  redis: RedisClient;
  /** key prefix (BREAKER_PREFIX); also names the change channel */
  prefix: string;
  config: BreakerConfig;
  /** Tests only: a clock instead of Redis TIME. */
  clock?: () => number;
}

/** Why the last transition happened, for the console: the operator's reason, or the failure that caused it. */
export interface BreakerNote {
  from: BreakerState;
  to: BreakerState;
  trigger: BreakerTrigger;
  /** ms */
  at: number;
  reason: string;
  actor?: string;
  cause?: string;
}

/** The outcome of one atomic step: the snapshot after it, at the server's `now`. */
export interface StepResult<D = undefined> {
  name: string;
  now: number;
  snapshot: BreakerSnapshot;
  transition?: BreakerTransition;
  decision: D;
}

type Raw = {
  now: string;
  state: BreakerState;
  failures: string[] | Record<string, never>;
  successes: number;
  openedAt: string;
  changedAt: string;
  version: number;
  probes: string[] | Record<string, never>;
  transition: false | { from: BreakerState; to: BreakerState; trigger: BreakerTrigger; at: string };
  decision: false | { admitted: true; probe?: string } | { admitted: false; state: BreakerState; retryAt: string };
};

// cjson encodes an empty Lua table as {}
const list = (v: string[] | Record<string, never>): string[] => (Array.isArray(v) ? v : []);

function parse<D>(name: string, json: unknown): StepResult<D> {
  const r = JSON.parse(String(json)) as Raw;
  const probes: Record<string, number> = {};
  const flat = list(r.probes);
  for (let i = 0; i < flat.length; i += 2) probes[flat[i]!] = Number(flat[i + 1]);
  const d = r.decision;
  return {
    name,
    now: Number(r.now),
    snapshot: {
      state: r.state,
      failures: list(r.failures).map(Number),
      successes: r.successes,
      openedAt: r.openedAt === '' ? null : Number(r.openedAt),
      probes,
      changedAt: Number(r.changedAt),
      version: r.version,
    },
    ...(r.transition ? { transition: { ...r.transition, at: Number(r.transition.at) } } : {}),
    decision: (d === false
      ? undefined
      : d.admitted
        ? { admitted: true, ...(d.probe ? { probe: d.probe } : {}) }
        : { admitted: false, state: d.state, retryAt: Number(d.retryAt) }) as D,
  };
}

/**
 * Breakers in Redis, shared by every worker: each step is one Lua script (atomic, on the server's
 * clock), and every change is published on the change channel so workers keep a local view.
 */
export function createBreakerStore(opts: BreakerStoreOptions) {
  const { redis, prefix, config } = opts;
  const channel = changeChannel(prefix);
  const cfgArgs = [
    config.failureThreshold,
    config.windowMs,
    config.openMs,
    config.halfOpenProbes,
    config.successThreshold,
    config.probeLeaseMs,
  ].map(String);

  async function run<D>(script: typeof admitScript, name: string, lease = ''): Promise<StepResult<D>> {
    const k = breakerKeys(prefix, name);
    const now = opts.clock ? String(opts.clock()) : '';
    const reply = await script(redis, [k.hash, k.probes, k.names], [name, channel, now, ...cfgArgs, lease]);
    return parse<D>(name, reply);
  }

  const read = (name: string) => run<undefined>(snapshotScript, name);
  async function registeredConfig(name: string): Promise<BreakerConfig | undefined> {
    const raw = await redis.hGet(breakerKeys(prefix, name).hash, 'config');
    return raw ? (JSON.parse(raw) as BreakerConfig) : undefined;
  }
  async function lastNote(name: string): Promise<BreakerNote | undefined> {
    const raw = await redis.hGet(breakerKeys(prefix, name).hash, 'last');
    return raw ? (JSON.parse(raw) as BreakerNote) : undefined;
  }

  return {
    redis,
    prefix,
    channel,
    config,
    /** Whether a call may go now; in half-open a granted call holds the probe lease `leaseId`. */
    admit: (name: string, leaseId: string) => run<Admission>(admitScript, name, leaseId),
    recordSuccess: (name: string, leaseId?: string) => run<undefined>(recordSuccessScript, name, leaseId),
    /** Only for failures that count (transient). */
    recordFailure: (name: string, leaseId?: string) => run<undefined>(recordFailureScript, name, leaseId),
    /** A probe ended with an outcome that does not count: its slot is free again. */
    releaseProbe: (name: string, leaseId: string) => run<undefined>(releaseProbeScript, name, leaseId),
    /** Open → half-open once the open period is over (workers call it on a timer); expired leases dropped. */
    tick: (name: string) => run<undefined>(tickScript, name),
    forceOpen: (name: string) => run<undefined>(forceOpenScript, name),
    forceClose: (name: string) => run<undefined>(forceCloseScript, name),
    reset: (name: string) => run<undefined>(resetScript, name),
    /** The snapshot at the server's clock; changes nothing. */
    read,
    /** The operator's view of `name` (counts inside the window, next probe time). */
    async view(name: string): Promise<{ name: string; now: number; view: BreakerView; config: BreakerConfig; last?: BreakerNote }> {
      const [r, registered, last] = await Promise.all([read(name), registeredConfig(name), lastNote(name)]);
      const cfg = registered ?? config;
      return { name, now: r.now, view: breakerView(r.snapshot, cfg, r.now), config: cfg, ...(last ? { last } : {}) };
    },
    /** Records why `step`'s transition happened (kept only if no newer transition was noted). */
    async noteTransition(name: string, step: StepResult<unknown>, note: { reason: string; actor?: string; cause?: string }): Promise<void> {
      if (!step.transition) return;
      const full: BreakerNote = { ...step.transition, ...note };
      await noteScript(redis, [breakerKeys(prefix, name).hash], [JSON.stringify(full), String(step.snapshot.version)]);
    },
    lastNote,
    /** Records this process's settings as the breaker's (what the console shows) and lists the name. */
    async register(name: string): Promise<void> {
      const k = breakerKeys(prefix, name);
      await redis.multi().hSet(k.hash, 'config', JSON.stringify(config)).sAdd(k.names, name).exec();
    },
    registeredConfig,
    /** Every breaker a worker registered or a step touched, sorted. */
    async names(): Promise<string[]> {
      return (await redis.sMembers(breakerKeys(prefix, '_').names)).sort();
    },
  };
}
export type BreakerStore = ReturnType<typeof createBreakerStore>;
