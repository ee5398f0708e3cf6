/**
 * The worker's guard around every chain WRITE: `guard.run(CHAIN_BREAKER, () => chain.x(...))`.
 *
 * - The breaker is shared by every worker process (packages/breakers: state in Redis, one Lua
 *   script per step). While it is open (or forced open) `run` makes no call and throws a retryable
 *   `BreakerOpen` ApplicationFailure whose `nextRetryDelay` is the time left open, so Temporal
 *   retries the activity when a probe may go instead of spending its backoff against a dead node.
 *   A guarded activity's retry policy must therefore not cap `maximumAttempts` (each refusal is an
 *   attempt); list `BreakerOpen` as non-retryable only where a caller waits for the answer
 *   (operations answer 503 with the retry time).
 * - Outcomes: a transient failure (`ClassifiedError.countsForBreaker`, or an ApplicationFailure of
 *   type TransientError) counts; cancelled- and storage-class failures and anything unclassified
 *   do not (a probe's slot is freed). Wrap the raw chain call, inside `classified(...)`.
 * - Fast path: while the breaker is closed with no failure run, a call costs no Redis round trip.
 *   Each worker keeps a local view fed by the breaker's change channel (every step that changes a
 *   breaker publishes its new state) and re-read at least every `freshMs`; with the subscription
 *   down, every call goes through the admit script. Failures, non-closed states and successes that
 *   reset a run always go through Redis.
 * - Open → half-open happens on the first admission after the open period, and on a timer in every
 *   worker that knows the breaker is open, so the console sees half-open even with no traffic.
 * - Every transition this process makes is published as `breaker_state_changed` and counted.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  BREAKER_OPEN,
  ERROR_NAMES,
  breakerView,
  describeTransition,
  isClassifiedError,
  type Admission,
  type BreakerState,
} from '@blockops/domain';
import { watchBreakerChanges, type BreakerMetrics, type BreakerStore, type BreakerWatch, type StepResult } from '@blockops/breakers';
import type { Publish } from './publish';
import type { Logger } from './logger';

/** In half-open with every probe slot taken, look again after at most this (probes usually end in ms). */
const HALF_OPEN_RECHECK_MS = 1000;

export interface ChainWriteGuardOptions {
  store: BreakerStore;
  publish: Publish;
  metrics: BreakerMetrics;
  log: Logger;
  /** names this worker registers at start (their settings are what the console shows) */
  breakers?: string[];
  /** how long a local view is trusted without a read (1000 ms) */
  freshMs?: number;
  /** who this process is, in events (`worker:<host>:<pid>`) */
  identity?: string;
  /** false: no change subscription, every call goes through Redis (the bench's strict baseline) */
  subscribe?: boolean;
}

/** This process's view of a breaker. */
export interface LocalBreakerView {
  state: BreakerState;
  failures: number;
  version: number;
  openedAt: number | null;
  /** local clock (ms) until which the view is trusted */
  freshUntil: number;
}

export interface ChainWriteGuard {
  /**
   * Runs `call` if breaker `name` admits it and records the outcome. Refused: throws a retryable
   * ApplicationFailure of type `BreakerOpen` with `nextRetryDelay` and details
   * `{breaker, state, retryAt, retryAfterMs, attempt}`; no call is made.
   */
  run<T>(name: string, call: () => Promise<T>): Promise<T>;
  /** This process's current view (tests, benchmarks). */
  local(name: string): LocalBreakerView | undefined;
  /** Called whenever the local view of a breaker changes state. */
  onStateChange(listener: (name: string, state: BreakerState) => void): () => void;
  close(): Promise<void>;
}

/** Whether the breaker counts a failure: only transient ones (DESIGN.md §4). */
export function countsForBreaker(err: unknown): boolean {
  if (isClassifiedError(err)) return err.countsForBreaker;
  return err instanceof ApplicationFailure && err.type === ERROR_NAMES.transient;
}

function activityInfo() {
  try {
    return Context.current().info;
  } catch {
    return undefined; // not inside an activity (timer, tests, bench)
  }
}

export async function createChainWriteGuard(opts: ChainWriteGuardOptions): Promise<ChainWriteGuard> {
  const { store, publish, metrics, log } = opts;
  const cfg = store.config;
  const freshMs = opts.freshMs ?? 1000;
  const identity = opts.identity ?? `worker:${os.hostname()}:${process.pid}`;
  const locals = new Map<string, LocalBreakerView>();
  const reads = new Map<string, Promise<LocalBreakerView>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const listeners = new Set<(name: string, state: BreakerState) => void>();
  let subscribed = false;
  let closed = false;

  /** Takes newer information into the local view; schedules the half-open tick while open. */
  function learn(name: string, s: { state: BreakerState; failures: number; version: number; openedAt: number | null; now: number }) {
    const prev = locals.get(name);
    if (prev && prev.version > s.version) return prev;
    const next: LocalBreakerView = {
      state: s.state,
      failures: s.failures,
      version: s.version,
      openedAt: s.openedAt,
      freshUntil: Date.now() + freshMs,
    };
    locals.set(name, next);
    if (prev?.state !== s.state) {
      for (const l of listeners) l(name, s.state);
      clearTimeout(timers.get(name));
      timers.delete(name);
      if (s.state === 'open' && s.openedAt !== null && !closed) {
        const due = s.openedAt + cfg.openMs - s.now;
        const tick = () =>
          step(name, () => store.tick(name), `open period over (${identity})`).catch((err) =>
            log.warn({ err, breaker: name }, 'breaker tick failed; the next admission moves it instead'),
          );
        const timer = setTimeout(tick, Math.max(0, due) + 5);
        timer.unref();
        timers.set(name, timer);
      }
    }
    return next;
  }

  /** Runs one store step, learns from it and reports its transition. Never throws for a failed report. */
  async function step<D>(name: string, run: () => Promise<StepResult<D>>, cause?: string): Promise<StepResult<D>> {
    const r = await run();
    learn(name, { ...r.snapshot, failures: r.snapshot.failures.length, now: r.now });
    if (r.transition) {
      const t = r.transition;
      const view = breakerView(r.snapshot, cfg, r.now);
      const info = activityInfo();
      const workflowId = info?.workflowExecution?.workflowId ?? `breaker-${name}`;
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      metrics.transitions.inc({ breaker: name, from: t.from, to: t.to });
      log.warn({ breaker: name, from: t.from, to: t.to, trigger: t.trigger, cause }, 'circuit breaker transition');
      const reason = describeTransition(t, cfg);
      await store
        .noteTransition(name, r, { reason, ...(cause ? { cause: cause.slice(0, 500) } : {}) })
        .catch((err) => log.warn({ err, breaker: name }, 'could not note the breaker transition'));
      await publish({
        type: 'breaker_state_changed',
        timestamp: new Date(t.at).toISOString(),
        // made inside an activity: the event also lands in that run's timeline
        workflowId,
        runId: info?.workflowExecution?.runId ?? '',
        workflowType: info?.workflowType ?? 'breaker',
        correlationId: workflowId,
        breaker: name,
        previous_state: t.from,
        new_state: t.to,
        trigger: t.trigger,
        reason,
        ...(cause ? { cause: cause.slice(0, 500) } : {}),
        failures: view.failures,
        successes: view.successes,
        opened_at: iso(view.openedAt),
        next_probe_at: iso(view.nextProbeAt),
      });
    }
    return r;
  }

  /** The local view if it may be trusted now (re-read when stale); undefined without a subscription. */
  async function trusted(name: string): Promise<LocalBreakerView | undefined> {
    if (!subscribed) return undefined;
    const l = locals.get(name);
    if (l && Date.now() < l.freshUntil) return l;
    let pending = reads.get(name);
    if (!pending) {
      pending = step(name, () => store.read(name))
        .then(() => locals.get(name)!)
        .finally(() => reads.delete(name));
      reads.set(name, pending);
    }
    return pending;
  }

  /** Records an outcome; a failed record is logged, never thrown over the call's own result. */
  async function settle(name: string, outcome: 'success' | 'failure' | 'ignored', lease: string | undefined, err?: unknown) {
    metrics.calls.inc({ breaker: name, outcome });
    const l = locals.get(name);
    try {
      if (outcome === 'failure') {
        const message = err instanceof Error ? err.message : String(err);
        await step(name, () => store.recordFailure(name, lease), `${identity}: ${message}`);
      } else if (outcome === 'success') {
        // nothing to tell Redis unless this call was a probe or a failure run needs resetting
        if (lease || !subscribed || !l || (l.state === 'closed' && l.failures > 0) || (l.state !== 'closed' && l.state !== 'forced_closed'))
          await step(name, () => store.recordSuccess(name, lease), identity);
      } else if (lease) {
        await step(name, () => store.releaseProbe(name, lease));
      }
    } catch (e) {
      log.error({ err: e, breaker: name, outcome }, 'could not record a guarded call in the breaker');
    }
  }

  function refusal(name: string, r: StepResult<Admission>) {
    const d = r.decision as Extract<Admission, { admitted: false }>;
    const retryAfterMs = Math.max(1, d.retryAt - r.now);
    const wait = d.state === 'half_open' ? Math.min(retryAfterMs, HALF_OPEN_RECHECK_MS) : retryAfterMs;
    // jitter spreads the waiting activities so they do not all come back in the same millisecond
    const jitter = Math.floor(Math.random() * Math.min(1000, wait * 0.1));
    const retryAt = new Date(d.retryAt).toISOString();
    const what =
      d.state === 'forced_open' ? 'forced open by an operator' : d.state === 'half_open' ? 'half-open with every probe slot taken' : 'open';
    return ApplicationFailure.create({
      type: BREAKER_OPEN,
      message: `circuit breaker ${name} is ${what}: no call sent; retry after ${retryAt}`,
      nonRetryable: false,
      nextRetryDelay: wait + jitter,
      details: [{ breaker: name, state: d.state, retryAt, retryAfterMs, attempt: activityInfo()?.attempt ?? 1 }],
    });
  }

  let watch: BreakerWatch | undefined;
  if (opts.subscribe !== false) {
    watch = await watchBreakerChanges(store.redis, store.channel, {
      change: (c) => learn(c.name, c),
      connection: (up) => {
        subscribed = up;
        // whatever arrived while the subscription was down is unknown: re-read before trusting
        if (up) for (const l of locals.values()) l.freshUntil = 0;
      },
    });
  }
  for (const name of opts.breakers ?? []) {
    await store.register(name);
    await step(name, () => store.read(name));
  }

  return {
    async run<T>(name: string, call: () => Promise<T>): Promise<T> {
      const l = await trusted(name);
      let lease: string | undefined;
      if (!l || (l.state !== 'closed' && l.state !== 'forced_closed')) {
        const r = await step(name, () => store.admit(name, randomUUID()), identity);
        if (!r.decision.admitted) {
          metrics.calls.inc({ breaker: name, outcome: 'rejected' });
          throw refusal(name, r);
        }
        lease = r.decision.probe;
      }
      let result: T;
      try {
        result = await call();
      } catch (err) {
        await settle(name, countsForBreaker(err) ? 'failure' : 'ignored', lease, err);
        throw err;
      }
      await settle(name, 'success', lease);
      return result;
    },
    local: (name) => locals.get(name),
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await watch?.close();
    },
  };
}
