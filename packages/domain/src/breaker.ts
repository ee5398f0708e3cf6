/**
 * The circuit breaker as a pure state machine (DESIGN.md §4, resilience4j's semantics where the
 * design is silent). No I/O and no clock: every step takes `now` (ms) and returns the next
 * snapshot, the transition if the state changed, and its decision. packages/breakers runs the same
 * steps as Redis Lua scripts (one per step, atomic, shared by every worker); a property test holds
 * the two to each other.
 *
 *   closed ──(failureThreshold consecutive transient failures, none older than windowMs)──▶ open
 *   open ──(openMs elapsed)──▶ half_open: at most halfOpenProbes probes at a time, each a lease
 *          that expires after probeLeaseMs (a dead worker cannot hold a probe slot)
 *   half_open ──(successThreshold probe successes)──▶ closed
 *   half_open ──(a probe fails)──▶ open (a new open period)
 *   any ──force open / force close──▶ forced_open / forced_closed, held until reset ──▶ closed
 *
 * A success in closed resets the failure run. Only transient failures are recorded (the caller
 * decides: `ClassifiedError.countsForBreaker`); a cancelled- or storage-class outcome of a probe
 * just frees its slot (`releaseProbe`). forced_closed admits everything and counts nothing
 * (resilience4j's DISABLED).
 */
export const BREAKER_STATES = ['closed', 'open', 'half_open', 'forced_open', 'forced_closed'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** `treasury_circuit_breaker_state` (seed 003): 0 closed, 1 open, 2 half-open. Forced states report what they do. */
export const BREAKER_STATE_VALUE: Record<BreakerState, 0 | 1 | 2> = {
  closed: 0,
  open: 1,
  half_open: 2,
  forced_open: 1,
  forced_closed: 0,
};

/** The breaker in front of every write to The Block node. */
export const CHAIN_BREAKER = 'theblock';

/** Temporal ApplicationFailure type of a call the breaker refused (retryable, with nextRetryDelay). */
export const BREAKER_OPEN = 'BreakerOpen';

export interface BreakerConfig {
  /** consecutive transient failures that open the breaker (5) */
  failureThreshold: number;
  /** a failure older than this no longer counts toward the run (300,000 ms) */
  windowMs: number;
  /** how long the breaker stays open before probing (60,000 ms) */
  openMs: number;
  /** probe calls admitted at once in half-open (2) */
  halfOpenProbes: number;
  /** probe successes that close the breaker (2) */
  successThreshold: number;
  /** a probe slot is freed after this even if its holder never reports (10,000 ms) */
  probeLeaseMs: number;
}

export const DEFAULT_BREAKER_CONFIG: BreakerConfig = {
  failureThreshold: 5,
  windowMs: 300_000,
  openMs: 60_000,
  halfOpenProbes: 2,
  successThreshold: 2,
  probeLeaseMs: 10_000,
};

export interface BreakerSnapshot {
  state: BreakerState;
  /** times (ms) of the current run of consecutive transient failures, oldest first; only in closed */
  failures: number[];
  /** probe successes in this half-open period */
  successes: number;
  /** when the current open (or forced-open) period began; kept through half-open */
  openedAt: number | null;
  /** half-open probe leases: lease id → expiry (ms) */
  probes: Record<string, number>;
  /** when the state last changed (0 = never) */
  changedAt: number;
  /** bumped by every step that changes anything */
  version: number;
}

/** What caused a transition (bounded: safe as a metric label). */
export type BreakerTrigger = 'failures' | 'open_timeout' | 'probe_failure' | 'probe_successes' | 'force_open' | 'force_close' | 'reset';

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  trigger: BreakerTrigger;
  at: number;
}

export type Admission =
  | { admitted: true; /** the probe lease this call holds (half-open only) */ probe?: string }
  | { admitted: false; state: BreakerState; /** when a call may be admitted again (ms) */ retryAt: number };

export interface Step<D = undefined> {
  next: BreakerSnapshot;
  transition?: BreakerTransition;
  decision: D;
}

export const initialBreaker = (): BreakerSnapshot => ({
  state: 'closed',
  failures: [],
  successes: 0,
  openedAt: null,
  probes: {},
  changedAt: 0,
  version: 0,
});

/** Mutable working copy of one step; `finish` bumps the version once if anything changed. */
function begin(s: BreakerSnapshot) {
  const w: BreakerSnapshot = { ...s, failures: [...s.failures], probes: { ...s.probes } };
  let changed = false;
  let transition: BreakerTransition | undefined;
  return {
    w,
    touch: () => void (changed = true),
    moveTo(to: BreakerState, trigger: BreakerTrigger, now: number) {
      transition = { from: w.state, to, trigger, at: now };
      w.state = to;
      w.changedAt = now;
      w.failures = [];
      w.successes = 0;
      w.probes = {};
      if (to === 'open' || to === 'forced_open') w.openedAt = now;
      else if (to !== 'half_open') w.openedAt = null;
      changed = true;
    },
    finish<D>(decision: D): Step<D> {
      if (changed) w.version = s.version + 1;
      return { next: changed ? w : s, ...(transition ? { transition } : {}), decision };
    },
  };
}

const liveLease = (s: BreakerSnapshot, lease: string | undefined, now: number): lease is string =>
  lease !== undefined && s.probes[lease] !== undefined && s.probes[lease] > now;

/** Drops expired probe leases; true when one was dropped. */
function sweep(w: BreakerSnapshot, now: number): boolean {
  let dropped = false;
  for (const [id, expiry] of Object.entries(w.probes)) {
    if (expiry <= now) {
      delete w.probes[id];
      dropped = true;
    }
  }
  return dropped;
}

const openUntil = (s: BreakerSnapshot, cfg: BreakerConfig) => (s.openedAt ?? 0) + cfg.openMs;

/** Whether a call may go now; in half-open, a granted call holds the probe lease `leaseId`. */
export function admit(s: BreakerSnapshot, cfg: BreakerConfig, now: number, leaseId: string): Step<Admission> {
  const t = begin(s);
  const { w } = t;
  if (w.state === 'open' && now >= openUntil(w, cfg)) t.moveTo('half_open', 'open_timeout', now);
  switch (w.state) {
    case 'closed':
    case 'forced_closed':
      return t.finish({ admitted: true });
    case 'forced_open':
      // held until reset: look again after an open period
      return t.finish({ admitted: false, state: w.state, retryAt: now + cfg.openMs });
    case 'open':
      return t.finish({ admitted: false, state: w.state, retryAt: openUntil(w, cfg) });
    case 'half_open': {
      if (sweep(w, now)) t.touch();
      const expiries = Object.values(w.probes);
      if (expiries.length < cfg.halfOpenProbes) {
        w.probes[leaseId] = now + cfg.probeLeaseMs;
        t.touch();
        return t.finish({ admitted: true, probe: leaseId });
      }
      return t.finish({ admitted: false, state: w.state, retryAt: Math.min(...expiries) });
    }
  }
}

/** A guarded call succeeded. */
export function recordSuccess(s: BreakerSnapshot, cfg: BreakerConfig, now: number, leaseId?: string): Step {
  const t = begin(s);
  const { w } = t;
  if (w.state === 'closed' && w.failures.length > 0) {
    w.failures = [];
    t.touch();
  } else if (w.state === 'half_open' && liveLease(w, leaseId, now)) {
    delete w.probes[leaseId];
    w.successes += 1;
    t.touch();
    if (w.successes >= cfg.successThreshold) t.moveTo('closed', 'probe_successes', now);
  }
  return t.finish(undefined);
}

/** A guarded call failed with a failure that counts (transient). */
export function recordFailure(s: BreakerSnapshot, cfg: BreakerConfig, now: number, leaseId?: string): Step {
  const t = begin(s);
  const { w } = t;
  if (w.state === 'closed') {
    // the run keeps only failures inside the window, and never more than the threshold needs
    w.failures = [...w.failures.filter((at) => at > now - cfg.windowMs), now].slice(-cfg.failureThreshold);
    t.touch();
    if (w.failures.length >= cfg.failureThreshold) t.moveTo('open', 'failures', now);
  } else if (w.state === 'half_open' && liveLease(w, leaseId, now)) {
    t.moveTo('open', 'probe_failure', now);
  }
  return t.finish(undefined);
}

/** A probe ended with an outcome that does not count (cancelled or storage class): its slot is free again. */
export function releaseProbe(s: BreakerSnapshot, now: number, leaseId: string): Step {
  const t = begin(s);
  if (t.w.state === 'half_open' && t.w.probes[leaseId] !== undefined) {
    delete t.w.probes[leaseId];
    t.touch();
  }
  return t.finish(undefined);
}

/** Time-driven changes with no call: open → half-open when the open period is over; expired leases dropped. */
export function tick(s: BreakerSnapshot, cfg: BreakerConfig, now: number): Step {
  const t = begin(s);
  if (t.w.state === 'open' && now >= openUntil(t.w, cfg)) t.moveTo('half_open', 'open_timeout', now);
  else if (t.w.state === 'half_open' && sweep(t.w, now)) t.touch();
  return t.finish(undefined);
}

/** Operator: hold open (no call goes) until reset. */
export function forceOpen(s: BreakerSnapshot, now: number): Step {
  const t = begin(s);
  if (t.w.state !== 'forced_open') t.moveTo('forced_open', 'force_open', now);
  return t.finish(undefined);
}

/** Operator: hold closed (every call goes, nothing is counted) until reset. */
export function forceClose(s: BreakerSnapshot, now: number): Step {
  const t = begin(s);
  if (t.w.state !== 'forced_closed') t.moveTo('forced_closed', 'force_close', now);
  return t.finish(undefined);
}

/** Operator: back to closed with every count cleared. */
export function resetBreaker(s: BreakerSnapshot, now: number): Step {
  const t = begin(s);
  if (t.w.state !== 'closed') t.moveTo('closed', 'reset', now);
  else if (t.w.failures.length > 0) {
    t.w.failures = [];
    t.touch();
  }
  return t.finish(undefined);
}

export interface BreakerView {
  state: BreakerState;
  /** 0 closed, 1 open, 2 half-open (the metric's value) */
  stateValue: 0 | 1 | 2;
  forced: boolean;
  /** consecutive transient failures still inside the window */
  failures: number;
  /** probe successes in this half-open period */
  successes: number;
  activeProbes: number;
  openedAt: number | null;
  /** open: when half-open begins; half-open: when a probe slot is (or will be) free; else null */
  nextProbeAt: number | null;
  changedAt: number;
  version: number;
}

/** What an operator sees at `now`. */
export function breakerView(s: BreakerSnapshot, cfg: BreakerConfig, now: number): BreakerView {
  const live = Object.values(s.probes).filter((e) => e > now);
  let nextProbeAt: number | null = null;
  if (s.state === 'open') nextProbeAt = openUntil(s, cfg);
  else if (s.state === 'half_open') nextProbeAt = live.length < cfg.halfOpenProbes ? now : Math.min(...live);
  return {
    state: s.state,
    stateValue: BREAKER_STATE_VALUE[s.state],
    forced: s.state === 'forced_open' || s.state === 'forced_closed',
    failures: s.state === 'closed' ? s.failures.filter((at) => at > now - cfg.windowMs).length : 0,
    successes: s.successes,
    activeProbes: live.length,
    openedAt: s.openedAt,
    nextProbeAt,
    changedAt: s.changedAt,
    version: s.version,
  };
}

/** A one-line reason for an automatic transition (operator transitions carry the operator's reason). */
export function describeTransition(t: BreakerTransition, cfg: BreakerConfig): string {
  switch (t.trigger) {
    case 'failures':
      return `${cfg.failureThreshold} consecutive transient failures within ${cfg.windowMs / 1000} s`;
    case 'open_timeout':
      return `open for ${cfg.openMs / 1000} s: admitting up to ${cfg.halfOpenProbes} probe(s)`;
    case 'probe_failure':
      return 'a half-open probe failed';
    case 'probe_successes':
      return `${cfg.successThreshold} probe(s) succeeded`;
    case 'force_open':
      return 'forced open';
    case 'force_close':
      return 'forced closed';
    case 'reset':
      return 'reset';
  }
}

/** While a breaker refuses every call (open, forced open), when to come back; undefined when a call may go now. */
export function breakerRetryAt(view: BreakerView, cfg: BreakerConfig, now: number): number | undefined {
  if (view.state === 'forced_open') return now + cfg.openMs;
  if (view.state === 'open' && view.nextProbeAt !== null && view.nextProbeAt > now) return view.nextProbeAt;
  return undefined;
}
